using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Freezing;

/// <summary>
/// An ordered list of freeze and unfreeze steps over a model, each a <see cref="Selector"/> that must match.
/// <see cref="Apply"/> sets the flags, updates an optimizer (dropping the state of newly frozen variables),
/// records the transition, fingerprints every frozen value, and returns a report of what it did.
/// </summary>
/// <example>
/// <code>
/// var plan = new FreezePlan(model)
///     .Freeze(Selector.All)
///     .Unfreeze(Selector.Glob("stage4/**") | Selector.Glob("head/**"));
/// Console.WriteLine(plan.Apply(optimizer));
/// // … train …
/// plan.VerifyFrozen().ThrowIfViolated();
/// </code>
/// </example>
public sealed class FreezePlan
{
    private readonly SelectionContext _context;
    private readonly List<(bool Freeze, Selector Selector)> _steps = [];
    private Dictionary<Variable, byte[]> _trainableSnapshot = new(ReferenceEqualityComparer.Instance);
    private bool _applied;

    /// <summary>A plan over a layer tree.</summary>
    public FreezePlan(Layer model)
        : this(SelectionContext.Of(model))
    {
    }

    /// <summary>A plan over a selection context (a layer tree or a variable list).</summary>
    public FreezePlan(SelectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<(bool Freeze, Selector Selector)> Steps => _steps;

    /// <summary>Adds a step freezing what <paramref name="selector"/> matches.</summary>
    public FreezePlan Freeze(Selector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _steps.Add((true, selector));
        return this;
    }

    /// <summary>Adds a step unfreezing what <paramref name="selector"/> matches (parameters only; state stays frozen).</summary>
    public FreezePlan Unfreeze(Selector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _steps.Add((false, selector));
        return this;
    }

    /// <summary>
    /// Adds a step unfreezing every batch-norm layer, so they keep normalising with batch statistics and
    /// learning their scale and shift while the rest is frozen (fastai's <c>train_bn</c>).
    /// </summary>
    public FreezePlan TrainBatchNorm() => Unfreeze(Selector.AllLayersOfType<BatchNorm2D>());

    /// <summary>Freezes everything, then unfreezes what <paramref name="selector"/> matches.</summary>
    public FreezePlan TrainOnly(Selector selector) => Freeze(Selector.All).Unfreeze(selector);

    /// <summary>
    /// Resolves every step (all must match before any flag changes), applies them in order, updates
    /// <paramref name="optimizer"/> when given, and fingerprints the frozen values for <see cref="VerifyFrozen"/>.
    /// </summary>
    /// <exception cref="SelectorMatchException">A step matched nothing; no flag was changed.</exception>
    public FreezeReport Apply(Optimizer? optimizer = null)
    {
        var resolved = _steps.Select(s => (s.Freeze, s.Selector, Vars: s.Selector.Resolve(_context))).ToList();
        var before = new Dictionary<Variable, bool>(ReferenceEqualityComparer.Instance);
        foreach (var v in _context.Variables)
        {
            before[v] = v.Trainable;
        }

        var lines = new List<string>();
        foreach (var (freeze, selector, vars) in resolved)
        {
            int changed = 0;
            foreach (var v in vars)
            {
                if (v.Kind != VariableKind.Parameter)
                {
                    continue;
                }

                changed += v.Trainable == freeze ? 1 : 0;
                v.Trainable = !freeze;
            }

            long elems = vars.Sum(v => (long)v.Shape.Size);
            lines.Add($"{(freeze ? "freeze" : "unfreeze")} {selector.Description}: {vars.Count} variable(s), {elems:N0} parameters, {changed} changed");
        }

        var frozenNow = _context.Variables.Where(v => before[v] && !v.Trainable).Select(v => v.Name).ToList();
        var unfrozenNow = _context.Variables.Where(v => !before[v] && v.Trainable).Select(v => v.Name).ToList();
        if (optimizer is not null)
        {
            optimizer.DropFrozenState();
            optimizer.RecordTransition(frozenNow, unfrozenNow);
        }

        _trainableSnapshot = new(ReferenceEqualityComparer.Instance);
        foreach (var v in _context.Variables)
        {
            if (v.Kind == VariableKind.Parameter && v.Trainable)
            {
                _trainableSnapshot[v] = Fingerprint(v, masked: false);
            }
        }

        _applied = true;
        return new FreezeReport(lines, _context, optimizer, frozenNow, unfrozenNow);
    }

    /// <summary>
    /// Checks every fixed value of the plan's variables (frozen parameters, fixed state and masked elements) against
    /// the SHA-256 fingerprint taken when it became fixed — by this plan or by any other means, such as
    /// <see cref="Layer.Freeze"/> — and lists trainable variables whose values never changed since the plan was applied.
    /// </summary>
    /// <exception cref="InvalidOperationException">The plan was not applied.</exception>
    public FrozenVerification VerifyFrozen()
    {
        if (!_applied)
        {
            throw new InvalidOperationException("VerifyFrozen: apply the plan first.");
        }

        var check = FrozenVerification.Check(_context.Variables);
        var stuck = _trainableSnapshot.Where(p => p.Key.Trainable && p.Value.AsSpan().SequenceEqual(Fingerprint(p.Key, masked: false))).Select(p => p.Key.Name).ToList();
        return check with { NeverChanged = stuck };
    }

    /// <summary>SHA-256 of a variable's values (or of its masked elements only), as stored in checkpoints.</summary>
    public static byte[] Fingerprint(Variable variable, bool masked = false)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var values = variable.Value.AsReadOnlySpan();
        if (!masked || variable.FreezeMask is null)
        {
            return SHA256.HashData(MemoryMarshal.AsBytes(values));
        }

        var mask = variable.FreezeMask.AsReadOnlySpan();
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> four = stackalloc byte[4];
        for (int i = 0; i < values.Length; i++)
        {
            if (mask[i] != 0f)
            {
                MemoryMarshal.Write(four, in values[i]);
                h.AppendData(four);
            }
        }

        return h.GetHashAndReset();
    }
}
