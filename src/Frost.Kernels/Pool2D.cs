namespace Frost.Kernels;

/// <summary>Pooling (temporary naive version).</summary>
public static class Pool2D
{
    /// <summary>Max forward.</summary>
    public static void MaxForward(in Pool2DShape s, ReadOnlySpan<float> input, Span<float> output, Span<int> argmax)
    {
        int oh = s.OutHeight, ow = s.OutWidth, plane = s.InHeight * s.InWidth;
        for (int p = 0; p < s.Batch * s.Channels; p++)
        {
            for (int y = 0; y < oh; y++)
            {
                for (int x = 0; x < ow; x++)
                {
                    float best = float.NegativeInfinity;
                    int bi = -1;
                    for (int dy = 0; dy < s.KernelHeight; dy++)
                    {
                        int iy = y * s.StrideH - s.PadTop + dy;
                        for (int dx = 0; dx < s.KernelWidth; dx++)
                        {
                            int ix = x * s.StrideW - s.PadLeft + dx;
                            if (iy >= 0 && iy < s.InHeight && ix >= 0 && ix < s.InWidth)
                            {
                                float v = input[p * plane + iy * s.InWidth + ix];
                                if (v > best || bi < 0 || float.IsNaN(v))
                                {
                                    best = v;
                                    bi = iy * s.InWidth + ix;
                                }
                            }
                        }
                    }

                    int o = (p * oh + y) * ow + x;
                    output[o] = best;
                    if (!argmax.IsEmpty)
                    {
                        argmax[o] = bi;
                    }
                }
            }
        }
    }

    /// <summary>Max backward.</summary>
    public static void MaxBackward(in Pool2DShape s, ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> argmax, Span<float> gradInput)
    {
        gradInput.Clear();
        int oh = s.OutHeight, ow = s.OutWidth, plane = s.InHeight * s.InWidth;
        for (int p = 0; p < s.Batch * s.Channels; p++)
        {
            for (int o = 0; o < oh * ow; o++)
            {
                int a = argmax[p * oh * ow + o];
                if (a >= 0)
                {
                    gradInput[p * plane + a] += gradOutput[p * oh * ow + o];
                }
            }
        }
    }

    /// <summary>Avg forward.</summary>
    public static void AvgForward(in Pool2DShape s, ReadOnlySpan<float> input, Span<float> output)
    {
        int oh = s.OutHeight, ow = s.OutWidth, plane = s.InHeight * s.InWidth;
        for (int p = 0; p < s.Batch * s.Channels; p++)
        {
            for (int y = 0; y < oh; y++)
            {
                for (int x = 0; x < ow; x++)
                {
                    double sum = 0;
                    int n = 0;
                    int cnt = Count(s, y, x);
                    for (int dy = 0; dy < s.KernelHeight; dy++)
                    {
                        int iy = y * s.StrideH - s.PadTop + dy;
                        for (int dx = 0; dx < s.KernelWidth; dx++)
                        {
                            int ix = x * s.StrideW - s.PadLeft + dx;
                            if (iy >= 0 && iy < s.InHeight && ix >= 0 && ix < s.InWidth)
                            {
                                sum += input[p * plane + iy * s.InWidth + ix];
                                n++;
                            }
                        }
                    }

                    output[(p * oh + y) * ow + x] = (float)(sum / (s.CountIncludePad ? cnt : Math.Max(1, n)));
                }
            }
        }
    }

    /// <summary>Avg backward.</summary>
    public static void AvgBackward(in Pool2DShape s, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        gradInput.Clear();
        int oh = s.OutHeight, ow = s.OutWidth, plane = s.InHeight * s.InWidth;
        for (int p = 0; p < s.Batch * s.Channels; p++)
        {
            for (int y = 0; y < oh; y++)
            {
                for (int x = 0; x < ow; x++)
                {
                    int n = 0;
                    for (int pass = 0; pass < 2; pass++)
                    {
                        float g = pass == 1 ? gradOutput[(p * oh + y) * ow + x] / (s.CountIncludePad ? Count(s, y, x) : Math.Max(1, n)) : 0;
                        for (int dy = 0; dy < s.KernelHeight; dy++)
                        {
                            int iy = y * s.StrideH - s.PadTop + dy;
                            for (int dx = 0; dx < s.KernelWidth; dx++)
                            {
                                int ix = x * s.StrideW - s.PadLeft + dx;
                                if (iy >= 0 && iy < s.InHeight && ix >= 0 && ix < s.InWidth)
                                {
                                    if (pass == 0)
                                    {
                                        n++;
                                    }
                                    else
                                    {
                                        gradInput[p * plane + iy * s.InWidth + ix] += g;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int Count(in Pool2DShape s, int y, int x)
    {
        int y0 = y * s.StrideH - s.PadTop, x0 = x * s.StrideW - s.PadLeft;
        int y1 = Math.Min(y0 + s.KernelHeight, s.InHeight + s.PadBottom), x1 = Math.Min(x0 + s.KernelWidth, s.InWidth + s.PadRight);
        return (y1 - y0) * (x1 - x0);
    }

    /// <summary>Global avg forward.</summary>
    public static void GlobalAvgForward(int batch, int channels, int spatial, ReadOnlySpan<float> input, Span<float> output)
    {
        for (int p = 0; p < batch * channels; p++)
        {
            output[p] = System.Numerics.Tensors.TensorPrimitives.Sum(input.Slice(p * spatial, spatial)) / spatial;
        }
    }

    /// <summary>Global avg backward.</summary>
    public static void GlobalAvgBackward(int batch, int channels, int spatial, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        for (int p = 0; p < batch * channels; p++)
        {
            gradInput.Slice(p * spatial, spatial).Fill(gradOutput[p] / spatial);
        }
    }
}
