using System.Diagnostics;
using Frost.Layers;
using Frost.Onnx.Import;
using Frost.Text.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Frost.Onnx.Tests;

/// <summary>all-MiniLM-L6-v2 loaded once for a test class: the parsed model, its Frost import, an ONNX Runtime session, the tokenizer.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmFixture()
    {
        var sw = Stopwatch.StartNew();
        Model = OnnxModel.Parse(TestFiles.MiniLmBytes, "all-MiniLM-L6-v2");
        Encoder = BertImport.FromOnnx(Model);
        ImportSeconds = sw.Elapsed.TotalSeconds;
        Session = new InferenceSession(TestFiles.MiniLmBytes);
        Tokenizer = BertWordPieceTokenizer.FromMiniLm(TestFiles.MiniLmDll);
    }

    public OnnxModel Model { get; }

    public BertEncoder Encoder { get; }

    /// <summary>Seconds to parse and import the model.</summary>
    public double ImportSeconds { get; }

    public InferenceSession Session { get; }

    public BertWordPieceTokenizer Tokenizer { get; }

    /// <summary>ONNX Runtime's last_hidden_state [N, T, D] and pooled output [N, D] for ids and mask (token types 0).</summary>
    public (float[] Hidden, float[] Pooled) RunOrt(TokenBatch batch)
    {
        long[] dims = [batch.BatchSize, batch.Length];
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.Ids.Select(i => (long)i).ToArray(), dims);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.Mask.Select(i => (long)i).ToArray(), dims);
        using var types = OrtValue.CreateTensorValueFromMemory(new long[batch.Ids.Length], dims);
        using var options = new RunOptions();
        var outputs = Session.OutputMetadata.Keys.ToArray();
        using var results = Session.Run(options, ["input_ids", "attention_mask", "token_type_ids"], [ids, mask, types], outputs);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[1].GetTensorDataAsSpan<float>().ToArray());
    }

    public void Dispose() => Session.Dispose();
}
