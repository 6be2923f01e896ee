namespace Frost.Optimizers;

/// <summary>
/// Base of all optimizers: turns a loss into gradients for a list of variables
/// (<see cref="ComputeGradients"/>) and applies them (<see cref="ApplyGradients"/>), with parameter groups,
/// learning-rate schedules, global-norm clipping and element freeze masks.
/// </summary>
/// <remarks>
/// Guarantees: a frozen variable is never written, whatever the settings (an explicit list or gradient set
/// naming one is an error under <see cref="FrozenVariablePolicy.Throw"/>); elements under a freeze mask keep
/// their exact bits; state is created lazily, only for variables that receive gradients.
/// </remarks>
public abstract class Optimizer
{
    private readonly Dictionary<Variable, VariableState> _state = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Variable, ParameterGroup> _groupOf = new(ReferenceEqualityComparer.Instance);
    private readonly List<ParameterGroup> _groups = [];
    private readonly List<FreezeTransition> _transitions = [];
    private float[] _scratchGrad = [];
    private float[] _scratchKeep = [];

    /// <summary>Sets the default learning rate and weight decay.</summary>
    protected Optimizer(float learningRate, float weightDecay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        LearningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <summary>Default base learning rate.</summary>
    public float LearningRate { get; set; }

    /// <summary>Default weight decay (its meaning — L2 or decoupled — is the optimizer's).</summary>
    public float WeightDecay { get; set; }

    /// <summary>Multiplies base learning rates by a factor that depends on the step; null keeps them constant.</summary>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>When set, gradients are scaled so their global norm is at most this value before each update.</summary>
    public float? ClipGlobalNorm { get; set; }

    /// <summary>What to do with frozen variables in explicit lists and gradient sets.</summary>
    public FrozenVariablePolicy FrozenVariablePolicy { get; set; } = FrozenVariablePolicy.Throw;

    /// <summary>Receives warnings (skipped frozen variables, variables without gradients); defaults to standard error.</summary>
    public Action<string> Warning { get; set; } = message => Console.Error.WriteLine("warning: " + message);

    /// <summary>Number of completed <see cref="ApplyGradients"/> calls.</summary>
    public long Iterations { get; private set; }

    /// <summary>The learning-rate factor the next update uses.</summary>
    public float CurrentFactor => Schedule?.Factor(Iterations) ?? 1f;

    /// <summary>The per-variable state created so far.</summary>
    public IReadOnlyDictionary<Variable, VariableState> State => _state;

    /// <summary>Bytes held by optimizer state.</summary>
    public long StateBytes => _state.Values.Sum(s => s.Bytes);

    /// <summary>The parameter groups.</summary>
    public IReadOnlyList<ParameterGroup> Groups => _groups;

    /// <summary>Changes of the frozen set recorded during training (see <see cref="Freezing.FreezePlan"/>).</summary>
    public IReadOnlyList<FreezeTransition> Transitions => _transitions;

    /// <summary>Records a change of the frozen set at the current iteration.</summary>
    public void RecordTransition(IReadOnlyList<string> frozen, IReadOnlyList<string> unfrozen)
    {
        ArgumentNullException.ThrowIfNull(frozen);
        ArgumentNullException.ThrowIfNull(unfrozen);
        _transitions.Add(new FreezeTransition(Iterations, frozen, unfrozen));
    }

    /// <summary>Names of the per-variable buffers this optimizer keeps.</summary>
    protected abstract IReadOnlyList<string> SlotNames { get; }

    /// <summary>Bytes of state a variable of <paramref name="elements"/> elements will need once it trains.</summary>
    public long StateBytesFor(int elements) => (long)SlotNames.Count * elements * sizeof(float);

    /// <summary>Gives <paramref name="variables"/> their own learning rate and/or weight decay.</summary>
    /// <exception cref="ArgumentException">A variable already belongs to a group, or the list is empty.</exception>
    public ParameterGroup AddGroup(IEnumerable<Variable> variables, float? learningRate = null, float? weightDecay = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var list = variables.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("AddGroup: the group has no variables.", nameof(variables));
        }

        var group = new ParameterGroup(name ?? $"group{_groups.Count}", list, learningRate, weightDecay);
        foreach (var v in list)
        {
            if (!_groupOf.TryAdd(v, group))
            {
                throw new ArgumentException($"AddGroup: variable '{v.Name}' is already in group '{_groupOf[v].Name}'.", nameof(variables));
            }
        }

        _groups.Add(group);
        return group;
    }

    /// <summary>
    /// Gradients of <paramref name="loss"/> for the listed variables, or by default for every trainable
    /// variable the loss was computed from. The loss must have been computed under an open
    /// <see cref="GradientTape"/>.
    /// </summary>
    /// <exception cref="FrozenVariableException">The explicit list holds a frozen variable (policy Throw).</exception>
    /// <exception cref="InvalidOperationException">The loss was not recorded on a tape.</exception>
    public Gradients ComputeGradients(Tensor loss, IEnumerable<Variable>? varList = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var tape = GradientTape.Of(loss) ?? throw new InvalidOperationException(
            "ComputeGradients: the loss has no recorded history. Compute it inside 'using var tape = new GradientTape()' " +
            "from at least one trainable variable.");
        List<Variable> vars;
        if (varList is null)
        {
            vars = GradientTape.VariablesOf(loss).Where(v => v.Trainable).ToList();
        }
        else
        {
            vars = [];
            var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
            foreach (var v in varList)
            {
                ArgumentNullException.ThrowIfNull(v);
                if (seen.Add(v) && Admit(v, "ComputeGradients"))
                {
                    vars.Add(v);
                }
            }
        }

        var grads = tape.Gradient(loss, vars.ConvertAll(v => v.Value));
        var result = new Gradients();
        var missing = new List<string>();
        for (int i = 0; i < vars.Count; i++)
        {
            if (grads[i] is { } g)
            {
                result.Add(vars[i], g);
            }
            else
            {
                missing.Add(vars[i].Name);
            }
        }

        if (missing.Count > 0)
        {
            Warning($"no gradient for {missing.Count} variable(s) the loss does not depend on: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}");
        }

        return result;
    }

    /// <summary>Updates each variable from its gradient; increments <see cref="Iterations"/>.</summary>
    /// <exception cref="FrozenVariableException">A gradient targets a frozen variable (policy Throw).</exception>
    public void ApplyGradients(Gradients gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        var admitted = gradients.Where(p => Admit(p.Key, "ApplyGradients")).ToList();

        // Variables frozen since their last update (by any means) keep no state.
        DropFrozenState();
        float clip = 1f;
        if (ClipGlobalNorm is float max)
        {
            double sum = 0;
            foreach (var (v, g) in admitted)
            {
                var gs = g.AsReadOnlySpan();
                bool masked = v.FreezeMask is not null;
                var mask = masked ? v.FreezeMask!.AsReadOnlySpan() : default;
                for (int i = 0; i < gs.Length; i++)
                {
                    if (!masked || mask[i] == 0f)
                    {
                        sum += (double)gs[i] * gs[i];
                    }
                }
            }

            double norm = Math.Sqrt(sum);
            clip = norm > max ? (float)(max / (norm + 1e-6)) : 1f;
        }

        float factor = CurrentFactor;
        using (GradientTape.NoRecording())
        {
            foreach (var (v, g) in admitted)
            {
                if (!v.Trainable)
                {
                    // Unreachable through Admit; kept as the last guard against writing a frozen variable.
                    throw new FrozenVariableException(v, "ApplyGradients");
                }

                var group = _groupOf.GetValueOrDefault(v);
                float lr = (group?.LearningRate ?? LearningRate) * factor;
                float wd = group?.WeightDecay ?? WeightDecay;
                if (!_state.TryGetValue(v, out var state))
                {
                    state = new VariableState(v, SlotNames);
                    _state[v] = state;
                }

                state.Step++;
                ApplyOne(v, g.AsReadOnlySpan(), state, lr, wd, clip);
            }
        }

        Iterations++;
    }

    /// <summary><see cref="ComputeGradients"/> then <see cref="ApplyGradients"/>; returns the gradients.</summary>
    public Gradients Minimize(Tensor loss, IEnumerable<Variable>? varList = null)
    {
        var g = ComputeGradients(loss, varList);
        ApplyGradients(g);
        return g;
    }

    /// <summary>Opens a tape, evaluates <paramref name="loss"/>, updates, releases the step's buffers; returns the loss value.</summary>
    public float Minimize(Func<Tensor> loss, IEnumerable<Variable>? varList = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        using var tape = new GradientTape();
        var l = loss();
        Minimize(l, varList);
        return l.Item();
    }

    /// <summary>The optimizer's kind, as recorded in checkpoints.</summary>
    public virtual string Kind => GetType().Name;

    /// <summary>Replaces all state (used when restoring a checkpoint).</summary>
    /// <remarks>All buffers are checked before any state changes.</remarks>
    internal void RestoreState(long iterations, IEnumerable<(Variable Variable, long Step, float[][] Slots)> states, IEnumerable<FreezeTransition> transitions)
    {
        var list = states.ToList();
        foreach (var (v, _, slots) in list)
        {
            if (slots.Length != SlotNames.Count || slots.Any(s => s.Length != v.Shape.Size))
            {
                throw new InvalidOperationException($"Optimizer state for '{v.Name}' does not fit {Kind}: {slots.Length} buffers, expected {SlotNames.Count} of {v.Shape.Size} values.");
            }
        }

        _state.Clear();
        foreach (var (v, step, slots) in list)
        {
            var st = new VariableState(v, SlotNames) { Step = step };
            for (int i = 0; i < slots.Length; i++)
            {
                slots[i].CopyTo(st.RawSlots[i], 0);
            }

            _state[v] = st;
        }

        Iterations = iterations;
        _transitions.Clear();
        _transitions.AddRange(transitions);
    }

    /// <summary>Names of the state buffers, in slot order.</summary>
    internal IReadOnlyList<string> StateSlotNames => SlotNames;

    /// <summary>Drops the state of variables that are now frozen (they will get fresh state if unfrozen); returns them.</summary>
    public IReadOnlyList<Variable> DropFrozenState()
    {
        bool any = false;
        foreach (var v in _state.Keys)
        {
            any |= !v.Trainable;
        }

        if (!any)
        {
            return [];
        }

        var dropped = _state.Keys.Where(v => !v.Trainable).ToList();
        foreach (var v in dropped)
        {
            _state.Remove(v);
        }

        return dropped;
    }

    /// <summary>
    /// Updates <paramref name="param"/> in place from <paramref name="grad"/>.
    /// </summary>
    /// <param name="param">The variable's values.</param>
    /// <param name="grad">The (clipped) gradient; zero at masked elements.</param>
    /// <param name="state">This variable's state; <see cref="VariableState.Step"/> counts this update.</param>
    /// <param name="learningRate">The scheduled learning rate for this variable.</param>
    /// <param name="weightDecay">The weight decay for this variable.</param>
    protected abstract void Update(Span<float> param, ReadOnlySpan<float> grad, VariableState state, float learningRate, float weightDecay);

    /// <summary>A state buffer of <paramref name="state"/> by slot index (in <see cref="SlotNames"/> order).</summary>
    protected static Span<float> Slot(VariableState state, int slot)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state[slot];
    }

    private void ApplyOne(Variable v, ReadOnlySpan<float> grad, VariableState state, float lr, float wd, float clip)
    {
        var param = v.Value.AsSpan();
        bool masked = v.FreezeMask is not null;
        var mask = masked ? v.FreezeMask!.AsReadOnlySpan() : default;
        if (clip != 1f || masked)
        {
            if (_scratchGrad.Length < grad.Length)
            {
                _scratchGrad = new float[grad.Length];
            }

            var g = _scratchGrad.AsSpan(0, grad.Length);
            System.Numerics.Tensors.TensorPrimitives.Multiply(grad, clip, g);
            if (masked)
            {
                for (int i = 0; i < g.Length; i++)
                {
                    if (mask[i] != 0f)
                    {
                        g[i] = 0f;
                    }
                }
            }

            grad = g;
        }

        if (!masked)
        {
            Update(param, grad, state, lr, wd);
            return;
        }

        // Masked elements keep their exact bits whatever the update rule does (momentum, weight decay, …), and so
        // does their optimizer state: clearing the mask later gives them no stale kick.
        int slots = SlotNames.Count;
        int n = param.Length;
        if (_scratchKeep.Length < (slots + 1) * n)
        {
            _scratchKeep = new float[(slots + 1) * n];
        }

        param.CopyTo(_scratchKeep.AsSpan(0, n));
        for (int k = 0; k < slots; k++)
        {
            state[k].CopyTo(_scratchKeep.AsSpan((k + 1) * n, n));
        }

        Update(param, grad, state, lr, wd);
        var keep = _scratchKeep.AsSpan(0, (slots + 1) * n);
        for (int i = 0; i < n; i++)
        {
            if (mask[i] != 0f)
            {
                param[i] = keep[i];
                for (int k = 0; k < slots; k++)
                {
                    state[k][i] = keep[((k + 1) * n) + i];
                }
            }
        }
    }

    private bool Admit(Variable v, string context)
    {
        if (v.Trainable)
        {
            return true;
        }

        if (FrozenVariablePolicy == FrozenVariablePolicy.Throw)
        {
            throw new FrozenVariableException(v, context);
        }

        Warning($"{context}: skipping frozen variable '{v.Name}'.");
        return false;
    }
}
