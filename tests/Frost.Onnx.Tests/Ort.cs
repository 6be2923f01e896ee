using Microsoft.ML.OnnxRuntime;

namespace Frost.Onnx.Tests;

/// <summary>Runs models in ONNX Runtime, the numerical reference and the judge of what is valid ONNX.</summary>
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

    /// <summary>
    /// Whether ONNX Runtime loads the model and runs it on <paramref name="input"/> (shaped <paramref name="dims"/>; a float
    /// input is assumed, so a model declaring another type is judged on loading and feeding). Returns its first output,
    /// or null with the reason in <paramref name="error"/>.
    /// </summary>
    public static float[]? TryRun(byte[] model, float[] input, long[] dims, out long[] shape, out string error)
        => TryRun(model, input, dims, out shape, out error, out _);

    /// <inheritdoc cref="TryRun(byte[], float[], long[], out long[], out string)"/>
    /// <param name="loaded">Whether the model loaded (so that a failure happened while running it).</param>
    public static float[]? TryRun(byte[] model, float[] input, long[] dims, out long[] shape, out string error, out bool loaded)
    {
        shape = [];
        error = "";
        loaded = false;
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
            using var session = new InferenceSession(model, options);
            loaded = true;
            if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count == 0)
            {
                error = $"the model has {session.InputMetadata.Count} inputs and {session.OutputMetadata.Count} outputs";
                return null;
            }
            string inputName = session.InputMetadata.Keys.First();
            string outputName = session.OutputMetadata.Keys.First();
            using var value = OrtValue.CreateTensorValueFromMemory(input, dims);
            using var run = new RunOptions();
            using var results = session.Run(run, [inputName], [value], [outputName]);
            shape = results[0].GetTensorTypeAndShape().Shape;
            return results[0].GetTensorTypeAndShape().ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float ? results[0].GetTensorDataAsSpan<float>().ToArray() : [];
        }
        catch (OnnxRuntimeException e)
        {
            error = e.Message.Split('\n')[0];
            return null;
        }
    }

    /// <summary>Whether ONNX Runtime loads the model (creates a session), with the reason in <paramref name="error"/> when not.</summary>
    public static bool TryLoad(byte[] model, out string error)
    {
        error = "";
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
            using var session = new InferenceSession(model, options);
            return true;
        }
        catch (OnnxRuntimeException e)
        {
            error = e.Message.Split('\n')[0];
            return false;
        }
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
