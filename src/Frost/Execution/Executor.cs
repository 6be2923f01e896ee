using System.Numerics.Tensors;
using Frost.Layers;

namespace Frost.Execution;

/// <summary>
/// The one place where layer calls are run and where memory and speed are managed: every
/// <see cref="Layer.Call(Tensor)"/> comes here. Layers say what they compute; the executor decides how.
/// </summary>
/// <remarks>
/// <para>What it does, and the single rule for when each is legal:</para>
/// <list type="bullet">
/// <item><b>Ownership.</b> It only ever releases or overwrites buffers the library allocated for op results in the
/// innermost scope (a <see cref="GradientTape"/>, or a scope it opens itself for a call made outside any tape).
/// Variables' values, the caller's tensors and anything made with the public factories are never touched.</item>
/// <item><b>Early release.</b> In a <see cref="Block"/>'s graph, a value whose last reader has run is released
/// when it is an op result, no live value shares its buffer, it is not the graph's input, and no recorded op will
/// read it in the backward pass: each op says which of its inputs and whether its output its backward reads
/// (<see cref="Saved"/>; an op that says nothing keeps them all).</item>
/// <item><b>Release after a call.</b> When a layer's result is not recorded, the buffers its call allocated,
/// other than the result's, can be needed by nobody and are released when it returns.</item>
/// <item><b>Fusion.</b> Convolution → batch norm (→ ReLU) runs as one convolution with the normalisation folded
/// in when the batch norm uses its running statistics (inference mode, or frozen) and nothing would be
/// recorded (see <see cref="Fusion"/>).</item>
/// <item><b>In place.</b> A ReLU whose input may be released (as above) rectifies that buffer instead of a new one;
/// when recorded, its backward reads the shared buffer as its output.</item>
/// <item><b>Shapes.</b> Every call records its output shape while a <see cref="ShapeTrace"/> is open.</item>
/// </list>
/// <para>A layer that keeps references to tensors after its call returns (e.g. to capture features) must say so
/// with <see cref="Layer.RetainsTensors"/>; the executor then leaves its inputs and outputs alone.</para>
/// </remarks>
internal static class Executor
{
    [ThreadStatic]
    private static Stack<RunState>? t_free;

    /// <summary>Runs <paramref name="layer"/> on <paramref name="inputs"/>: the path of every layer call.</summary>
    public static Tensor Call(Layer layer, Tensor[] inputs)
    {
        if (TensorScope.Current is not null)
        {
            return CallInScope(layer, inputs);
        }

        // A call outside any tape: its intermediates come from the pool and return to it; the result is the caller's.
        using var scope = new TensorScope();
        return CallInScope(layer, inputs).Keep();
    }

    /// <summary>Runs steps [<paramref name="start"/>, <paramref name="end"/>) of a chain (a <see cref="Sequential"/>): step i reads value i.</summary>
    public static Tensor CallRange(Block chain, Tensor input, int start, int end)
    {
        if (start == end)
        {
            return input;
        }

        var steps = chain.Dataflow.Steps;
        for (int i = start; i < end; i++)
        {
            if (steps[i].Inputs is not [var v] || v != i)
            {
                throw new InvalidOperationException($"Block '{chain.Path}' is not a chain of layers; it cannot run a range of its steps.");
            }
        }

        if (TensorScope.Current is not null)
        {
            return Run(chain.Dataflow, [input], start, start, end, end);
        }

        using var scope = new TensorScope();
        return Run(chain.Dataflow, [input], start, start, end, end).Keep();
    }

    /// <summary>Runs a whole block graph on its inputs.</summary>
    public static Tensor Run(Dataflow graph, Tensor[] inputs) => Run(graph, inputs, 0, 0, graph.Steps.Count, graph.Output);

    /// <summary>Runs steps [0, <paramref name="end"/>) of a block's graph on its inputs and returns the value step end−1 produces.</summary>
    public static Tensor RunPrefix(Block block, Tensor[] inputs, int end)
    {
        var graph = block.Dataflow;
        int output = graph.Steps[end - 1].Output;
        if (TensorScope.Current is not null)
        {
            return Run(graph, inputs, 0, 0, end, output);
        }

        using var scope = new TensorScope();
        return Run(graph, inputs, 0, 0, end, output).Keep();
    }

    /// <summary>
    /// Runs steps [<paramref name="start"/>, end) of a block's graph with <paramref name="values"/> bound to the value
    /// ids <paramref name="ids"/>: the values that earlier steps or the inputs would have given and later steps read.
    /// </summary>
    public static Tensor RunSuffix(Block block, int start, int[] ids, Tensor[] values)
    {
        var graph = block.Dataflow;
        if (TensorScope.Current is not null)
        {
            return Run(graph, values, ids, start, graph.Steps.Count, graph.Output);
        }

        using var scope = new TensorScope();
        return Run(graph, values, ids, start, graph.Steps.Count, graph.Output).Keep();
    }

    private static Tensor CallInScope(Layer layer, Tensor[] inputs)
    {
        var scope = TensorScope.Current!;
        int mark = scope.OwnedBuffers;
        var y = layer.InvokeForward(inputs);
        if (!y.RequiresGrad && !layer.RetainsTensorsDeep())
        {
            scope.ReleaseAllocatedSince(mark, y.Storage);
        }

        ShapeTrace.Record(layer, y.Shape);
        return y;
    }

    /// <summary>Runs steps [<paramref name="start"/>, <paramref name="end"/>) with <paramref name="inputs"/> bound to values from <paramref name="bind"/> on.</summary>
    private static Tensor Run(Dataflow graph, Tensor[] inputs, int bind, int start, int end, int output)
        => Run(graph, inputs, [.. Enumerable.Range(bind, inputs.Length)], start, end, output);

    /// <summary>Runs steps [<paramref name="start"/>, <paramref name="end"/>) with <paramref name="inputs"/> bound to the value ids <paramref name="bind"/>.</summary>
    private static Tensor Run(Dataflow graph, Tensor[] inputs, int[] bind, int start, int end, int output)
    {
        var free = t_free ??= new Stack<RunState>();
        var state = free.Count > 0 ? free.Pop() : new RunState();
        try
        {
            state.Reset(graph, inputs, bind);
            var steps = graph.Steps;
            for (int s = start; s < end; s++)
            {
                if (!state.Done[s])
                {
                    Execute(graph, state, s, end);
                }

                foreach (int v in steps[s].Inputs)
                {
                    if (graph.LastUse[v] == s && v != output)
                    {
                        state.Kill(v);
                    }
                }

                int o = steps[s].Output;
                if (graph.LastUse[o] < 0 && o != output)
                {
                    state.Kill(o); // computed but never read
                }
            }

            return state.Values[output] ?? throw new InvalidOperationException($"Block '{graph.Owner.Path}': its output was not computed.");
        }
        finally
        {
            state.Clear();
            free.Push(state);
        }
    }

    private static void Execute(Dataflow graph, RunState state, int s, int end)
    {
        var step = graph.Steps[s];
        if (Fusion.TryConvBatchNorm(graph, state, s, end))
        {
            return;
        }

        var tape = GradientTape.Recording;
        int recorded = tape?.Nodes.Count ?? 0;
        if (IsRelu(step) && state.MayOverwrite(step.Inputs[0], graph.LastUse, s))
        {
            var x = state.Values[step.Inputs[0]]!;
            Tensor r;
            if (x.RequiresGrad)
            {
                r = Ops.ReluInPlace(x);
                state.ProtectSaved(tape, recorded, r, [x]);
            }
            else
            {
                TensorPrimitives.Max(x.AsReadOnlySpan(), 0f, x.AsSpan());
                r = x;
            }

            state.Values[step.Output] = r;
            if (step.Layer is { } reluLayer)
            {
                ShapeTrace.Record(reluLayer, x.Shape);
            }

            return;
        }

        var args = new Tensor[step.Inputs.Length];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = state.Values[step.Inputs[i]]!;
        }

        Tensor y;
        if (step.Layer is { } layer)
        {
            y = CallInScope(layer, args);
            if (layer.RetainsTensorsDeep())
            {
                foreach (var x in args)
                {
                    state.Protect(x.Storage);
                }

                state.Protect(y.Storage);
            }
        }
        else
        {
            y = step.Op!(args);
        }

        state.Values[step.Output] = y;
        if (y.RequiresGrad)
        {
            state.ProtectSaved(tape, recorded, y, args);
        }
    }

    internal static bool IsRelu(DataflowStep step) => step.Kind == StepKind.Relu || step.Layer is Relu;

    /// <summary>The values of one graph run and the buffers that must outlive their values.</summary>
    internal sealed class RunState
    {
        private readonly HashSet<Storage> _protected = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Storage> _saved = new(ReferenceEqualityComparer.Instance);

        public Tensor?[] Values { get; private set; } = new Tensor?[16];

        public bool[] Done { get; private set; } = new bool[16];

        public void Reset(Dataflow graph, Tensor[] inputs, int[] bind)
        {
            if (Values.Length < graph.ValueCount)
            {
                Values = new Tensor?[Math.Max(graph.ValueCount, 2 * Values.Length)];
            }

            if (Done.Length < graph.Steps.Count)
            {
                Done = new bool[Math.Max(graph.Steps.Count, 2 * Done.Length)];
            }

            for (int i = 0; i < inputs.Length; i++)
            {
                Values[bind[i]] = inputs[i];
                _protected.Add(inputs[i].Storage);
            }
        }

        public void Clear()
        {
            Array.Clear(Values);
            Array.Clear(Done);
            _protected.Clear();
            _saved.Clear();
        }

        /// <summary>Marks a buffer that must not be released or overwritten during this run.</summary>
        public void Protect(Storage storage) => _protected.Add(storage);

        /// <summary>
        /// Protects what a step whose result is recorded leaves for the backward pass: what the ops
        /// <paramref name="tape"/> recorded from its node <paramref name="from"/> on will read (see <see cref="Saved"/>).
        /// <paramref name="result"/> is the step's value and <paramref name="stepInputs"/> the values it was given; all of
        /// them are kept when nothing was recorded or an op there does not say what it reads.
        /// </summary>
        public void ProtectSaved(GradientTape? tape, int from, Tensor result, ReadOnlySpan<Tensor> stepInputs)
        {
            var nodes = tape?.Nodes;
            bool keepAll = nodes is null || nodes.Count == from;
            for (int k = from; nodes is not null && k < nodes.Count; k++)
            {
                var node = nodes[k];
                keepAll |= node.Saved == Saved.All;
                for (int i = 0; i < node.Inputs.Length; i++)
                {
                    if (node.Saved.Input(i))
                    {
                        _saved.Add(node.Inputs[i].Storage);
                    }
                }

                if (node.Saved.Output)
                {
                    _saved.Add(node.Output.Storage);
                }
            }

            if (keepAll)
            {
                // Nothing says what the result was made from, or an op may read anything the step was given (a mask it
                // captured without listing it, say): keep all of it until the tape goes.
                foreach (var t in stepInputs)
                {
                    Protect(t.Storage);
                }

                Protect(result.Storage);
            }
            else if (result.Node is null || !ReferenceEquals(result.Node.Tape, tape))
            {
                Protect(result.Storage); // not made by an op recorded here: a variable, a watched or a passed-through tensor
            }
        }

        /// <summary>Drops value <paramref name="v"/> and releases its buffer when the ownership rule allows.</summary>
        public void Kill(int v)
        {
            var t = Values[v];
            if (t is null)
            {
                return;
            }

            Values[v] = null;
            if (IsReleasable(t))
            {
                if (_saved.Contains(t.Storage))
                {
                    t.Storage.BackwardOnly = true; // the backward pass releases it after its last reader
                }
                else
                {
                    t.Storage.Release();
                }
            }
        }

        /// <summary>Whether value <paramref name="v"/>, read for the last time by step <paramref name="s"/>, may be overwritten there.</summary>
        public bool MayOverwrite(int v, int[] lastUse, int s)
        {
            var t = Values[v];
            if (t is null || lastUse[v] != s)
            {
                return false;
            }

            return IsReleasable(t, v) && !_saved.Contains(t.Storage);
        }

        /// <summary>Whether <paramref name="t"/>'s buffer may go: see the ownership rule; <paramref name="skip"/> is the value being dropped.</summary>
        private bool IsReleasable(Tensor t, int skip = -1)
        {
            var st = t.Storage;
            if (!st.Pooled || st.Kept || st.Released || !ReferenceEquals(st.Owner, TensorScope.Current) || t.Watched || t.Variable is not null)
            {
                return false;
            }

            if (_protected.Contains(st))
            {
                return false;
            }

            for (int i = 0; i < Values.Length; i++)
            {
                if (i != skip && Values[i] is { } o && ReferenceEquals(o.Storage, st))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
