namespace Frost.Kernels;

/// <summary>Batch norm (temporary naive version).</summary>
public static class BatchNorm
{
    /// <summary>Training forward.</summary>
    public static void ForwardTraining(int batch, int channels, int spatial, ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon, float momentum, Span<float> runningMean, Span<float> runningVar, Span<float> output, Span<float> saveMean, Span<float> saveInvStd, bool relu = false)
    {
        int m = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, sq = 0;
            for (int n = 0; n < batch; n++)
            {
                foreach (float v in input.Slice((n * channels + c) * spatial, spatial))
                {
                    sum += v;
                }
            }

            double mean = sum / m;
            for (int n = 0; n < batch; n++)
            {
                foreach (float v in input.Slice((n * channels + c) * spatial, spatial))
                {
                    sq += (v - mean) * (v - mean);
                }
            }

            double var = sq / m;
            float inv = (float)(1 / Math.Sqrt(var + epsilon));
            saveMean[c] = (float)mean;
            saveInvStd[c] = inv;
            if (!runningMean.IsEmpty)
            {
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * (float)mean;
                runningVar[c] = (1 - momentum) * runningVar[c] + momentum * (float)(m > 1 ? sq / (m - 1) : var);
            }

            for (int n = 0; n < batch; n++)
            {
                int off = (n * channels + c) * spatial;
                for (int k = 0; k < spatial; k++)
                {
                    float y = gamma[c] * (input[off + k] - (float)mean) * inv + beta[c];
                    output[off + k] = relu ? Math.Max(0, y) : y;
                }
            }
        }
    }

    /// <summary>Inference forward.</summary>
    public static void ForwardInference(int batch, int channels, int spatial, ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float epsilon, Span<float> output, bool relu = false)
    {
        for (int c = 0; c < channels; c++)
        {
            float inv = 1 / MathF.Sqrt(runningVar[c] + epsilon);
            for (int n = 0; n < batch; n++)
            {
                int off = (n * channels + c) * spatial;
                for (int k = 0; k < spatial; k++)
                {
                    float y = gamma[c] * (input[off + k] - runningMean[c]) * inv + beta[c];
                    output[off + k] = relu ? Math.Max(0, y) : y;
                }
            }
        }
    }

    /// <summary>Training backward.</summary>
    public static void BackwardTraining(int batch, int channels, int spatial, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> gamma, ReadOnlySpan<float> saveMean, ReadOnlySpan<float> saveInvStd, ReadOnlySpan<float> reluOutput, Span<float> gradInput, Span<float> gradGamma, Span<float> gradBeta)
    {
        int m = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sg = 0, sgx = 0;
            for (int n = 0; n < batch; n++)
            {
                int off = (n * channels + c) * spatial;
                for (int k = 0; k < spatial; k++)
                {
                    double xh = (input[off + k] - saveMean[c]) * saveInvStd[c];
                    sg += gradOutput[off + k];
                    sgx += gradOutput[off + k] * xh;
                }
            }

            if (!gradGamma.IsEmpty)
            {
                gradGamma[c] = (float)sgx;
            }

            if (!gradBeta.IsEmpty)
            {
                gradBeta[c] = (float)sg;
            }

            if (!gradInput.IsEmpty)
            {
                for (int n = 0; n < batch; n++)
                {
                    int off = (n * channels + c) * spatial;
                    for (int k = 0; k < spatial; k++)
                    {
                        double xh = (input[off + k] - saveMean[c]) * saveInvStd[c];
                        gradInput[off + k] = (float)(gamma[c] * saveInvStd[c] / m * ((m * gradOutput[off + k]) - sg - (xh * sgx)));
                    }
                }
            }
        }
    }
}
