namespace Frost.Autodiff;

/// <summary>One recorded op: its inputs, its output and how to send the output's gradient to the inputs.</summary>
internal sealed class Node(GradientTape tape, string op, Tensor output, Tensor[] inputs, BackwardFunction backward, Saved saved)
{
    public GradientTape Tape { get; } = tape;

    public string Op { get; } = op;

    public Tensor Output { get; } = output;

    public Tensor[] Inputs { get; } = inputs;

    public BackwardFunction Backward { get; } = backward;

    /// <summary>Which of <see cref="Inputs"/> and <see cref="Output"/> the backward function reads.</summary>
    public Saved Saved { get; } = saved;

    public override string ToString() => $"{Op} -> {Output.Shape}";
}
