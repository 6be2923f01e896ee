using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Frost.Onnx.Tests;

/// <summary>ONNX Runtime as the reference: it must run what the writer emits, with the results computed by hand.</summary>
public class OnnxRuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public void Conv_relu_written_by_Frost_runs_in_OnnxRuntime()
    {
        float[] x = [.. Enumerable.Range(0, 16).Select(i => (i % 5) - 2f)];
        float[] y = Run(new OnnxModel(SampleModels.ConvRelu()).ToBytes(), "X", x, [1, 1, 4, 4], "Y", out long[] shape);
        Assert.Equal([1L, 2, 4, 4], shape);

        // Direct 3x3 convolution with zero padding 1, then ReLU.
        float[] w = SampleModels.ConvWeight, b = SampleModels.ConvBias;
        for (int o = 0; o < 2; o++)
        {
            for (int i = 0; i < 4; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    float sum = b[o];
                    for (int ki = 0; ki < 3; ki++)
                    {
                        for (int kj = 0; kj < 3; kj++)
                        {
                            int r = i + ki - 1, c = j + kj - 1;
                            if (r is >= 0 and < 4 && c is >= 0 and < 4)
                            {
                                sum += w[(o * 9) + (ki * 3) + kj] * x[(r * 4) + c];
                            }
                        }
                    }

                    Assert.Equal(Math.Max(sum, 0f), y[(o * 16) + (i * 4) + j], 5);
                }
            }
        }
    }

    [Fact]
    public void Gemm_written_by_Frost_runs_in_OnnxRuntime()
    {
        float[] x = [1, -1, 2, 0.5f, 0, -3];
        float[] y = Run(new OnnxModel(SampleModels.Gemm()).ToBytes(), "X", x, [2, 3], "Y", out long[] shape);
        Assert.Equal([2L, 4], shape);
        float[] w = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        float[] c = [0.5f, -0.5f, 1, -1];
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                float dot = 0;
                for (int k = 0; k < 3; k++)
                {
                    dot += x[(i * 3) + k] * w[(j * 3) + k];
                }

                Assert.Equal((0.5f * dot) + (2 * c[j]), y[(i * 4) + j], 5);
            }
        }
    }

    [Fact]
    public void ResNetPreprocess_and_ResNet18_run_in_OnnxRuntime()
    {
        // A fixed synthetic RGB image on the 0..255 scale.
        float[] image = new float[3 * 224 * 224];
        for (int ch = 0; ch < 3; ch++)
        {
            for (int h = 0; h < 224; h++)
            {
                for (int w = 0; w < 224; w++)
                {
                    image[(((ch * 224) + h) * 224) + w] = ((h * 3) + (w * 5) + (ch * 70)) % 256;
                }
            }
        }

        long[] dims = [1, 3, 224, 224];
        byte[] prepBytes = File.ReadAllBytes(TestFiles.PreprocessPath);
        float[] prepared = Run(prepBytes, "OriginalInput", image, dims, "PreprocessedInput", out _);

        // What the graph says it does: swap R and B, then subtract the mean image.
        var prep = OnnxModel.Parse(prepBytes, "prep");
        float[] mean = prep.Graph.Initializer[0].ToTensor().ToArray();
        int plane = 224 * 224;
        for (int i = 0; i < prepared.Length; i++)
        {
            int ch = i / plane;
            Assert.Equal(image[((2 - ch) * plane) + (i % plane)] - mean[i], prepared[i], 4);
        }

        // The mean image rewritten by Frost as raw_data (it ships as float_data) gives the same result.
        prep.Graph.Initializer[0] = OnnxTensors.FromTensor(prep.Graph.Initializer[0].ToTensor(), "MeanImage");
        Assert.Equal(prepared, Run(prep.ToBytes(), "OriginalInput", image, dims, "PreprocessedInput", out _));

        using var session = new InferenceSession(TestFiles.ResNet18Bytes);
        float[] features = Run(session, "Input247", prepared, dims, "Pooling395_Output_0", out long[] shape);
        Assert.Equal([1L, 512, 1, 1], shape);
        Assert.All(features, f => Assert.True(float.IsFinite(f) && f >= 0, "features follow a ReLU and an average"));
        var timer = Stopwatch.StartNew();
        const int runs = 3;
        for (int r = 0; r < runs; r++)
        {
            Run(session, "Input247", prepared, dims, "Pooling395_Output_0", out _);
        }

        output.WriteLine($"ResNet18 output [{string.Join(",", shape)}]; first values {string.Join(", ", features.Take(8).Select(f => f.ToString("G6")))}");
        output.WriteLine($"min {features.Min():G6} max {features.Max():G6} mean {features.Average():G6}; ORT batch 1 at 224x224: {timer.Elapsed.TotalMilliseconds / runs:F1} ms per run");
    }

    private static float[] Run(byte[] model, string inputName, float[] input, long[] dims, string outputName, out long[] shape)
    {
        using var session = new InferenceSession(model);
        return Run(session, inputName, input, dims, outputName, out shape);
    }

    private static float[] Run(InferenceSession session, string inputName, float[] input, long[] dims, string outputName, out long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, dims);
        using var options = new RunOptions();
        using var results = session.Run(options, [inputName], [value], [outputName]);
        shape = results[0].GetTensorTypeAndShape().Shape;
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
