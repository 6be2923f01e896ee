using Microsoft.ML.OnnxRuntime;

namespace Frost.Onnx.Tests;

/// <summary>Runs models in ONNX Runtime, the numerical reference.</summary>
internal static class Ort
{
    public static float[] Run(byte[] model, float[] input, long[] dims, out long[] shape)
    {
        using var session = new InferenceSession(model);
        string inputName = session.InputMetadata.Keys.First();
        string outputName = session.OutputMetadata.Keys.First();
        using var value = OrtValue.CreateTensorValueFromMemory(input, dims);
        using var options = new RunOptions();
        using var results = session.Run(options, [inputName], [value], [outputName]);
        shape = results[0].GetTensorTypeAndShape().Shape;
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>A synthetic RGB image on a 0..255 scale.</summary>
    public static float[] Image(int n, int size, int seed = 0)
    {
        var image = new float[n * 3 * size * size];
        for (int i = 0; i < image.Length; i++)
        {
            int w = i % size, h = i / size % size, c = i / (size * size) % 3, b = i / (3 * size * size);
            image[i] = ((3 * h) + (5 * w) + (70 * c) + (31 * b) + seed) % 256;
        }

        return image;
    }
}
