using Frost.Layers;

namespace Frost.Onnx.Import;

/// <summary>
/// One node of a <see cref="GraphLayer"/>: the slots it reads (by input position, -1 where absent or read at import)
/// and writes (by output position, -1 where unnamed), and either a sub-layer applied to input 0 or a weightless step.
/// </summary>
internal sealed record GraphStep(string OpType, string NodeName, int[] Inputs, int[] Outputs, Layer? Layer, StepRun? Run, StepEmit? Emit);
