using Frost.Execution;

namespace Frost.Layers;

/// <summary>
/// A layer made of sub-layers and ops, whose computation is declared once as a graph of <see cref="Flow"/>
/// values (<see cref="Define(Flow)"/>) rather than run step by step. The library runs the graph and, knowing every
/// value's last use in advance, frees intermediates as soon as nothing can need them, fuses patterns such as
/// convolution + batch norm + ReLU in inference, and rectifies in place — none of which a block has to mention.
/// </summary>
public abstract class Block : Layer
{
    private Dataflow? _dataflow;

    /// <summary>Creates a block; <paramref name="name"/> is its default name when added to a parent.</summary>
    protected Block(string? name = null)
        : base(name)
    {
    }

    /// <summary>
    /// Declares what the block computes from <paramref name="input"/>, using its sub-layers
    /// (<see cref="Flow.Then"/>) and ops (<see cref="Flow.Relu"/>, <c>+</c>, <see cref="Flow.Apply(string, Func{Tensor, Tensor})"/>).
    /// Called once, on first use, and again after the sub-layers change.
    /// </summary>
    protected virtual Flow Define(Flow input)
        => throw new NotSupportedException($"Block {TypeName} defines no computation for one input.");

    /// <summary>
    /// Declares what a block of several inputs computes (<see cref="Layer.InputCount"/> of them), e.g. hidden states
    /// and an attention mask.
    /// </summary>
    protected virtual Flow Define(IReadOnlyList<Flow> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 1 ? Define(inputs[0])
            : throw new NotSupportedException($"Block {TypeName} defines no computation for {inputs.Count} inputs.");
    }

    /// <summary>The block's graph, defined on first use.</summary>
    internal Dataflow Dataflow
    {
        get
        {
            if (_dataflow is { } d)
            {
                return d;
            }

            var df = new Dataflow(this, InputCount);
            var inputs = Enumerable.Range(0, InputCount).Select(i => new Flow(df, i)).ToArray();
            var output = Define(inputs) ?? throw new InvalidOperationException($"Block '{Path}' ({TypeName}): Define returned null.");
            if (!ReferenceEquals(output.Graph, df))
            {
                throw new InvalidOperationException($"Block '{Path}' ({TypeName}): Define returned a value of another block.");
            }

            df.Complete(output.Id);
            _dataflow = df;
            return df;
        }
    }

    /// <summary>Runs steps [<paramref name="start"/>, <paramref name="end"/>) of a block whose graph is a chain.</summary>
    private protected Tensor CallSteps(Tensor input, int start, int end) => Executor.CallRange(this, input, start, end);

    /// <inheritdoc/>
    protected sealed override Tensor Forward(Tensor input) => Executor.Run(Dataflow, [input]);

    /// <inheritdoc/>
    protected sealed override Tensor Forward(IReadOnlyList<Tensor> inputs) => Executor.Run(Dataflow, [.. inputs]);

    private protected override void OnChildrenChanged()
    {
        base.OnChildrenChanged();
        _dataflow = null;
    }
}
