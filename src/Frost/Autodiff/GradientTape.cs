namespace Frost.Autodiff;

/// <summary>
/// Records differentiable ops on this thread while open, computes gradients by reverse-mode
/// differentiation, and returns to the pool every buffer its ops allocated when disposed (op results made under
/// it are intermediates: read them before disposing it, <see cref="Tensor.Clone"/> them, or <see cref="Tensor.Keep"/> them). An op is recorded only when one of its inputs requires a gradient: a trainable variable's
/// value, a watched tensor, or the result of a recorded op. Frozen variables are constants on the tape.
/// </summary>
/// <example>
/// <code>
/// using var tape = new GradientTape();
/// var loss = Ops.Mean(Ops.Square(Ops.MatMul(x, w.Value)));
/// var grads = tape.Gradient(loss, [w]);
/// </code>
/// </example>
public sealed class GradientTape : IDisposable
{
    [ThreadStatic]
    private static GradientTape? t_current;

    [ThreadStatic]
    private static int t_pauseDepth;

    private readonly GradientTape? _outerTape;
    private readonly List<Node> _nodes = [];
    private readonly List<Tensor> _watched = [];
    private readonly HashSet<Variable> _variablesWithGradients = new(ReferenceEqualityComparer.Instance);
    private readonly TensorScope _scope;
    private bool _activationsReleased;

    /// <summary>Opens a tape and makes it the recording tape of this thread.</summary>
    public GradientTape()
    {
        _scope = new TensorScope();
        _outerTape = t_current;
        t_current = this;
    }

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => _scope.IsDisposed;

    /// <summary>Number of pooled buffers the tape's ops allocated.</summary>
    internal int OwnedBuffers => _scope.OwnedBuffers;

    /// <summary>The scope that owns the buffers of ops run under this tape.</summary>
    internal TensorScope Scope => _scope;

    /// <summary>The tape recording ops on this thread right now, or null (none open, or recording paused).</summary>
    internal static GradientTape? Recording => t_pauseDepth == 0 ? t_current : null;

    /// <summary>The recorded ops, in recording order.</summary>
    internal IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>Number of ops recorded.</summary>
    public int RecordedOps => _nodes.Count;

    /// <summary>The names of the recorded ops, in recording order.</summary>
    public IReadOnlyList<string> RecordedOpNames => _nodes.ConvertAll(n => n.Op);

    /// <summary>Number of recorded ops whose backward ran, over all gradient computations of this tape.</summary>
    public int BackwardCalls { get; private set; }

    /// <summary>Variables into which a gradient was computed, over all gradient computations of this tape.</summary>
    public IReadOnlyCollection<Variable> VariablesWithGradients => _variablesWithGradients;

    /// <summary>Bytes of gradient buffers returned to the pool during backward passes, as soon as they were consumed.</summary>
    public long EarlyReleasedBytes { get; private set; }

    /// <summary>Output gradients whose buffer an op's backward overwrote with its input gradient, over all passes of this tape.</summary>
    internal int ReusedGradientBuffers { get; private set; }

    /// <summary>Bytes of layer activations returned to the pool during backward passes, after the last op that read them.</summary>
    public long ReleasedActivationBytes { get; private set; }

    /// <summary>Number of gradient tensors computed for op inputs, over all gradient computations of this tape.</summary>
    public int GradientsComputed { get; private set; }

    /// <summary>Whether ops on this thread are currently being recorded on some tape.</summary>
    public static bool IsRecording => t_current is not null && t_pauseDepth == 0;

    /// <summary>Pauses recording on this thread until the returned scope is disposed (for inference or updates).</summary>
    public static IDisposable NoRecording() => new PauseScope();

    /// <summary>
    /// Marks <paramref name="tensor"/> so that ops on it are recorded and gradients can be asked for it, until
    /// this tape is disposed.
    /// </summary>
    public void Watch(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.Watched)
        {
            tensor.Watched = true;
            _watched.Add(tensor);
        }
    }

    /// <summary>The tape that would record an op with these inputs right now, or null.</summary>
    internal static GradientTape? RecorderFor(Tensor a)
        => t_pauseDepth == 0 && t_current is { } t && a.RequiresGrad ? t : null;

    /// <inheritdoc cref="RecorderFor(Tensor)"/>
    internal static GradientTape? RecorderFor(Tensor a, Tensor b)
        => t_pauseDepth == 0 && t_current is { } t && (a.RequiresGrad || b.RequiresGrad) ? t : null;

    /// <inheritdoc cref="RecorderFor(Tensor)"/>
    internal static GradientTape? RecorderFor(ReadOnlySpan<Tensor> inputs)
    {
        if (t_pauseDepth != 0 || t_current is not { } t)
        {
            return null;
        }

        foreach (var x in inputs)
        {
            if (x.RequiresGrad)
            {
                return t;
            }
        }

        return null;
    }

    internal Tensor Record(string op, Tensor output, Tensor[] inputs, BackwardFunction backward)
        => Record(op, output, inputs, backward, Saved.All);

    /// <summary>Records an op whose backward reads only the tensors <paramref name="saved"/> names.</summary>
    internal Tensor Record(string op, Tensor output, Tensor[] inputs, BackwardFunction backward, Saved saved)
    {
        var node = new Node(this, op, output, inputs, backward, saved);
        output.Node = node;
        _nodes.Add(node);
        return output;
    }

    /// <summary>The gradient of scalar <paramref name="target"/> with respect to <paramref name="source"/>, or null if unconnected.</summary>
    public Tensor? Gradient(Tensor target, Tensor source) => Gradient(target, [source])[0];

    /// <summary>
    /// The gradients of <paramref name="target"/> with respect to each source (null where a source is not
    /// connected to the target). Only ops on a path from a source to the target run their backward.
    /// </summary>
    /// <param name="target">A scalar, or any shape when <paramref name="outputGradient"/> is given.</param>
    /// <param name="sources">Tensors to differentiate with respect to.</param>
    /// <param name="outputGradient">Seed gradient of the target's shape; defaults to 1 for a scalar target.</param>
    /// <exception cref="ArgumentException">The target is not a scalar and no seed was given, or the seed's shape differs.</exception>
    /// <exception cref="InvalidOperationException">
    /// An earlier call on this tape released activations of layers' internal graphs that only the backward pass read
    /// (see <see cref="ReleasedActivationBytes"/>): ask for every gradient in one call.
    /// </exception>
    public Tensor?[] Gradient(Tensor target, IReadOnlyList<Tensor> sources, Tensor? outputGradient = null)
        => Gradient(target, sources, outputGradient, null);

    /// <summary>
    /// <see cref="Gradient(Tensor, IReadOnlyList{Tensor}, Tensor?)"/>, calling <paramref name="onSourceReady"/> with a
    /// source's index and gradient as soon as no remaining op can add to it (last layers first), so work on it
    /// (e.g. communication) overlaps the rest of the backward pass.
    /// </summary>
    internal Tensor?[] Gradient(Tensor target, IReadOnlyList<Tensor> sources, Tensor? outputGradient, Action<int, Tensor>? onSourceReady)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        if (IsDisposed)
        {
            throw new ObjectDisposedException(nameof(GradientTape), "Gradient: the tape was disposed; ask for gradients before disposing it.");
        }

        if (_activationsReleased)
        {
            throw new InvalidOperationException(
                "Gradient: this tape's first backward pass released the layer activations only it needed; ask for every " +
                "gradient you need in one call (pass all sources together), or record the forward pass again on a new tape.");
        }

        if (outputGradient is null && target.Size != 1)
        {
            throw new ArgumentException($"Gradient: the target has shape {target.Shape}; pass an output gradient for a non-scalar target.");
        }

        if (outputGradient is not null && outputGradient.Shape != target.Shape)
        {
            throw new ArgumentException($"Gradient: output gradient shape {outputGradient.Shape} differs from target shape {target.Shape}.");
        }

        var sourceSet = new HashSet<Tensor>(sources, ReferenceEqualityComparer.Instance);
        var grads = new GradientStore(this, OwnedBuffers);
        using (NoRecording())
        {
            grads.Accumulate(target, outputGradient ?? Tensor.PooledFull(target.Shape, 1f));
            var order = TopologicalOrder(target);

            // Forward sweep (inputs before consumers): which inputs of each node lead to a source.
            var reaches = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            var needs = new bool[order.Count][];
            for (int n = 0; n < order.Count; n++)
            {
                var node = order[n];
                var need = new bool[node.Inputs.Length];
                bool any = false;
                for (int i = 0; i < need.Length; i++)
                {
                    var x = node.Inputs[i];
                    need[i] = sourceSet.Contains(x) || (x.Node is { } xn && reaches.Contains(xn));
                    any |= need[i];
                }

                needs[n] = need;
                if (any)
                {
                    reaches.Add(node);
                }
            }

            // For each source, how many inputs of ops still to run backward can add to its gradient.
            Dictionary<Tensor, (int Index, int Remaining)>? pending = null;
            if (onSourceReady is not null)
            {
                pending = new(ReferenceEqualityComparer.Instance);
                for (int i = 0; i < sources.Count; i++)
                {
                    pending[sources[i]] = (i, 0);
                }

                for (int n = 0; n < order.Count; n++)
                {
                    for (int i = 0; i < needs[n].Length; i++)
                    {
                        if (needs[n][i] && pending.TryGetValue(order[n].Inputs[i], out var p))
                        {
                            pending[order[n].Inputs[i]] = (p.Index, p.Remaining + 1);
                        }
                    }
                }
            }

            // Activations the forward pass has dropped and only backward functions read: how many ops still read each.
            Dictionary<Storage, int>? readers = null;
            foreach (var node in order)
            {
                for (int i = 0; i <= node.Inputs.Length; i++)
                {
                    if (BackwardOnlyRead(node, i) is { } st)
                    {
                        readers ??= new(ReferenceEqualityComparer.Instance);
                        readers[st] = readers.GetValueOrDefault(st) + 1;
                    }
                }
            }

            var sink = new GradientSink(grads);
            for (int n = order.Count - 1; n >= 0; n--)
            {
                var node = order[n];
                if (reaches.Contains(node) && grads.TryGet(node.Output, out var g))
                {
                    sink.Reset(node, needs[n], outputGradientFree: !sourceSet.Contains(node.Output));
                    node.Backward(g, sink);
                    grads.ReleaseSpent();
                    BackwardCalls++;
                    if (!sourceSet.Contains(node.Output))
                    {
                        grads.Remove(node.Output);
                    }
                }

                if (readers is not null)
                {
                    for (int i = 0; i <= node.Inputs.Length; i++)
                    {
                        if (BackwardOnlyRead(node, i) is { } st && readers.TryGetValue(st, out int left))
                        {
                            if (left > 1)
                            {
                                readers[st] = left - 1;
                            }
                            else
                            {
                                readers.Remove(st);
                                ReleasedActivationBytes += (long)st.Length * sizeof(float);
                                st.Release();
                                _activationsReleased = true;
                            }
                        }
                    }
                }

                if (pending is not null)
                {
                    for (int i = 0; i < needs[n].Length; i++)
                    {
                        var x = node.Inputs[i];
                        if (needs[n][i] && pending.TryGetValue(x, out var p))
                        {
                            pending[x] = (p.Index, p.Remaining - 1);
                            if (p.Remaining == 1 && grads.TryGet(x, out var ready))
                            {
                                onSourceReady!(p.Index, ready);
                            }
                        }
                    }
                }
            }

            EarlyReleasedBytes += grads.ReleasedBytes;

            GradientsComputed += sink.Delivered;
            ReusedGradientBuffers += sink.Reused;
            _variablesWithGradients.UnionWith(sink.VariablesReached);
        }

        var result = new Tensor?[sources.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = grads.Get(sources[i]);
        }

        return result;
    }

    /// <summary>
    /// The buffer of input <paramref name="i"/> of <paramref name="node"/> (its output when i is the input count) if its
    /// backward reads it and the forward pass left it to the backward pass to release; otherwise null.
    /// </summary>
    private Storage? BackwardOnlyRead(Node node, int i)
    {
        bool read = i < node.Inputs.Length ? node.Saved.Input(i) : node.Saved.Output;
        var st = (i < node.Inputs.Length ? node.Inputs[i] : node.Output).Storage;
        return read && st.BackwardOnly && !st.Released && ReferenceEquals(st.Owner, _scope) ? st : null;
    }

    /// <summary>The tape that recorded <paramref name="tensor"/>, or null for a tensor no tape recorded.</summary>
    public static GradientTape? Of(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Node?.Tape;
    }

    /// <summary>The variables that <paramref name="target"/> was computed from through recorded ops, in first-use order.</summary>
    public static IReadOnlyList<Variable> VariablesOf(Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var result = new List<Variable>();
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        if (target.Variable is { } tv)
        {
            result.Add(tv);
        }

        foreach (var node in TopologicalOrder(target))
        {
            foreach (var x in node.Inputs)
            {
                if (x.Variable is { } v && seen.Add(v))
                {
                    result.Add(v);
                }
            }
        }

        return result;
    }

    /// <summary>Nodes reachable from the target, each after all nodes it depends on (iterative, no recursion).</summary>
    private static List<Node> TopologicalOrder(Tensor target)
    {
        var order = new List<Node>();
        if (target.Node is null)
        {
            return order;
        }

        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance) { target.Node };
        var stack = new Stack<(Node Node, int Next)>();
        stack.Push((target.Node, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Length)
            {
                stack.Push((node, next + 1));
                if (node.Inputs[next].Node is { } child && visited.Add(child))
                {
                    stack.Push((child, 0));
                }
            }
            else
            {
                order.Add(node);
            }
        }

        return order;
    }

    /// <summary>Stops recording and returns every buffer the tape's ops allocated to the pool.</summary>
    /// <exception cref="InvalidOperationException">A tape or scope opened inside this one is still open, or this is another thread.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1065", Justification = "Disposing tapes out of order would return buffers still in use to the pool; it must not pass silently.")]
    public void Dispose()
    {
        if (_scope.IsDisposed)
        {
            return;
        }

        if (!ReferenceEquals(t_current, this))
        {
            throw new InvalidOperationException("GradientTape disposed out of order: a tape opened inside it is still open.");
        }

        _scope.Dispose();
        t_current = _outerTape;
        foreach (var t in _watched)
        {
            t.Watched = false;
        }
    }

    private sealed class PauseScope : IDisposable
    {
        private bool _done;

        public PauseScope() => t_pauseDepth++;

        public void Dispose()
        {
            if (!_done)
            {
                _done = true;
                t_pauseDepth--;
            }
        }
    }
}
