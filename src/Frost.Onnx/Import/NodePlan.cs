using Frost.Layers;
using Frost.Onnx.Export;

namespace Frost.Onnx.Import;

/// <summary>
/// A weightless step: computes a node's outputs from its runtime inputs, indexed as the node's inputs (null for an
/// absent input or one read at import time).
/// </summary>
internal delegate Tensor[] StepRun(Tensor?[] inputs);

/// <summary>
/// Writes a weightless step back as ONNX (opset <see cref="OnnxExporter.Opset"/>): <paramref name="inputs"/> are the
/// exported names of the node's inputs ("" where absent or read at import); returns the names of its outputs.
/// </summary>
internal delegate IReadOnlyList<string> StepEmit(OnnxEmitter emitter, string name, IReadOnlyList<string> inputs);

/// <summary>
/// What a validated node becomes: the static types of its outputs, and either a sub-layer with weights (applied to
/// input 0, built only once the whole graph has been validated) or a weightless step.
/// </summary>
internal sealed class NodePlan
{
    private NodePlan(TensorInfo[] outputs, int[] operands)
    {
        Outputs = outputs;
        Operands = operands;
    }

    /// <summary>The statically inferred outputs, by output position.</summary>
    public TensorInfo[] Outputs { get; }

    /// <summary>The input positions bound at run time (the others were read at import or are absent).</summary>
    public int[] Operands { get; }

    /// <summary>The sub-layer's kind, which names it ("conv" makes conv0, conv1, …); null for a weightless step.</summary>
    public string? LayerKind { get; private init; }

    /// <summary>Builds the sub-layer, copying its weights from the initializers.</summary>
    public Func<Layer>? BuildLayer { get; private init; }

    /// <summary>The weightless computation.</summary>
    public StepRun? Run { get; private init; }

    /// <summary>The weightless step's ONNX form.</summary>
    public StepEmit? Emit { get; private init; }

    public static NodePlan ForLayer(string kind, TensorInfo output, Func<Layer> build)
        => new([output], [0]) { LayerKind = kind, BuildLayer = build };

    public static NodePlan ForStep(TensorInfo[] outputs, int[] operands, StepRun run, StepEmit emit)
        => new(outputs, operands) { Run = run, Emit = emit };
}
