using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>A dense projection found in the graph: <c>x·W + b</c> with W stored [in, out] (MatMul) or [out, in] (Gemm transB).</summary>
internal sealed record DenseMatch(TensorProto Weight, bool OutIn, TensorProto? Bias, string Output);

/// <summary>A layer norm found in the graph.</summary>
internal sealed record LayerNormMatch(TensorProto Weight, TensorProto Bias, float Epsilon, string Output);

/// <summary>One encoder layer found in the graph.</summary>
internal sealed record LayerMatch(
    DenseMatch Query, DenseMatch Key, DenseMatch Value, DenseMatch Output, LayerNormMatch AttentionNorm,
    DenseMatch Up, DenseMatch Down, LayerNormMatch FfnNorm, int Heads);

/// <summary>Everything a BERT encoder graph was found to hold.</summary>
internal sealed record BertGraphMatch(
    TensorProto Word, TensorProto Position, TensorProto? TokenType, LayerNormMatch EmbeddingNorm, IReadOnlyList<LayerMatch> Layers,
    DenseMatch? Pooler, string IdsInput, string MaskInput, string? TokenTypeInput, string HiddenOutput, string? PooledOutput);
