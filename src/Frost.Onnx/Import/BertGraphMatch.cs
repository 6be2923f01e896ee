using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>A dense projection found in the graph: <c>x·W + b</c> with W stored [in, out] (MatMul) or [out, in] (Gemm transB).</summary>
internal sealed record DenseMatch(TensorProto Weight, bool OutIn, TensorProto? Bias, string Output)
{
    /// <summary>The features it outputs.</summary>
    public int OutFeatures => (int)Weight.Dims[OutIn ? 0 : 1];
}

/// <summary>A layer norm found in the graph.</summary>
internal sealed record LayerNormMatch(TensorProto Weight, TensorProto Bias, float Epsilon, string Output);

/// <summary>One encoder layer found in the graph.</summary>
internal sealed record LayerMatch(
    DenseMatch Query, DenseMatch Key, DenseMatch Value, DenseMatch Output, LayerNormMatch AttentionNorm,
    DenseMatch Up, DenseMatch Down, LayerNormMatch FfnNorm, int Heads);

/// <summary>Everything a BERT encoder graph was found to hold; a text classifier's has a <see cref="Head"/> after the masked mean.</summary>
internal sealed record BertGraphMatch(
    TensorProto Word, TensorProto Position, TensorProto? TokenType, LayerNormMatch EmbeddingNorm, IReadOnlyList<LayerMatch> Layers,
    DenseMatch? Pooler, string IdsInput, string MaskInput, string? TokenTypeInput, string HiddenOutput, string? PooledOutput,
    DenseMatch? Head = null, string? LogitsOutput = null);
