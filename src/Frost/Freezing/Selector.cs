using System.Text.RegularExpressions;
using Frost.Layers;

namespace Frost.Freezing;

/// <summary>
/// Picks variables of a model for freezing, unfreezing or training: by variable, by layer, by layer type and
/// position, by glob or regex over names, and unions or differences of those. Resolving a selector that
/// matches nothing is an error that names the pattern and the closest existing names, so a renamed scope
/// cannot silently select nothing.
/// </summary>
public abstract class Selector
{
    private protected Selector()
    {
    }

    /// <summary>How the selector reads in reports, e.g. <c>glob 'stage1/**'</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Every variable in the context.</summary>
    public static Selector All { get; } = new AllSelector();

    /// <summary>The given variables.</summary>
    public static Selector Variables(params Variable[] variables) => new VariableSelector(variables);

    /// <summary>Every variable at or below <paramref name="layer"/>.</summary>
    public static Selector Layer(Layer layer) => new LayerSelector(layer);

    /// <summary>
    /// The variables of the first <paramref name="count"/> layers of type <typeparamref name="T"/> in model
    /// order (depth-first), after skipping <paramref name="skip"/> of them: "the first 3 Conv2D".
    /// Fewer such layers than asked for is an error.
    /// </summary>
    public static Selector LayersOfType<T>(int count, int skip = 0)
        where T : Layer => new TypeSelector(typeof(T), count, skip);

    /// <summary>The variables of every layer of type <typeparamref name="T"/>; none is an error.</summary>
    public static Selector AllLayersOfType<T>()
        where T : Layer => new TypeSelector(typeof(T), int.MaxValue, 0);

    /// <summary>Variables whose name matches a glob (<c>*</c> within a segment, <c>**</c> across segments, <c>?</c> one character, <c>[0-3]</c> one of a class).</summary>
    public static Selector Glob(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        return new NameSelector("glob", pattern, name => Freezing.Glob.IsMatch(pattern, name));
    }

    /// <summary>Variables whose name contains a match of a regular expression (anchor it with ^ and $ as needed).</summary>
    public static Selector Regex(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return new NameSelector("regex", pattern, regex.IsMatch);
    }

    /// <summary>Variables matched by either selector (each must match something).</summary>
    public static Selector operator |(Selector left, Selector right) => new UnionSelector(left, right);

    /// <summary>Variables matched by <paramref name="left"/> but not <paramref name="right"/> (each must match something).</summary>
    public static Selector operator -(Selector left, Selector right) => new ExceptSelector(left, right);

    /// <summary>Union of this and another selector.</summary>
    public Selector Or(Selector other) => this | other;

    /// <summary>This selector minus another.</summary>
    public Selector Except(Selector other) => this - other;

    /// <summary>The same selection, required to contain exactly <paramref name="count"/> variables.</summary>
    public Selector Exactly(int count) => new CountSelector(this, count);

    /// <summary>Resolves against a layer tree; throws when nothing matches.</summary>
    /// <exception cref="SelectorMatchException">Nothing matched, or the count differs from what was required.</exception>
    public IReadOnlyList<Variable> Resolve(Layer model) => Resolve(SelectionContext.Of(model));

    /// <summary>Resolves against a context; throws when nothing matches.</summary>
    /// <exception cref="SelectorMatchException">Nothing matched, or the count differs from what was required.</exception>
    public IReadOnlyList<Variable> Resolve(SelectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var set = Match(context);
        if (set.Count == 0)
        {
            throw new SelectorMatchException($"Selector {Description} matched no variable. {Hint(context)}");
        }

        return context.Variables.Where(set.Contains).ToList();
    }

    /// <inheritdoc/>
    public override string ToString() => Description;

    private protected abstract HashSet<Variable> Match(SelectionContext context);

    private protected virtual string Hint(SelectionContext context)
    {
        var close = NameMatching.Closest(Description, context.Variables.Select(context.NameOf), 3);
        return close.Count == 0 ? "The model has no variables." : $"Closest names: {string.Join(", ", close)}.";
    }

    private protected static HashSet<Variable> NewSet() => new(ReferenceEqualityComparer.Instance);

    private protected static HashSet<Variable> Required(Selector s, SelectionContext context)
    {
        var m = s.Match(context);
        if (m.Count == 0)
        {
            throw new SelectorMatchException($"Selector {s.Description} matched no variable. {s.Hint(context)}");
        }

        return m;
    }

    private sealed class AllSelector : Selector
    {
        public override string Description => "all";

        private protected override HashSet<Variable> Match(SelectionContext context)
        {
            var s = NewSet();
            s.UnionWith(context.Variables);
            return s;
        }
    }

    private sealed class VariableSelector : Selector
    {
        private readonly Variable[] _variables;

        public VariableSelector(Variable[] variables)
        {
            ArgumentNullException.ThrowIfNull(variables);
            _variables = (Variable[])variables.Clone();
        }

        public override string Description => $"variables [{string.Join(", ", _variables.Select(v => v.Name))}]";

        private protected override HashSet<Variable> Match(SelectionContext context)
        {
            var present = NewSet();
            present.UnionWith(context.Variables);
            foreach (var v in _variables)
            {
                if (!present.Contains(v))
                {
                    throw new SelectorMatchException($"Variable '{v.Name}' is not part of the model being selected from.");
                }
            }

            var s = NewSet();
            s.UnionWith(_variables);
            return s;
        }
    }

    private sealed class LayerSelector : Selector
    {
        private readonly Layer _layer;

        public LayerSelector(Layer layer)
        {
            ArgumentNullException.ThrowIfNull(layer);
            _layer = layer;
        }

        public override string Description => $"layer '{(_layer.Path.Length == 0 ? _layer.Name : _layer.Path)}' ({_layer.TypeName})";

        private protected override HashSet<Variable> Match(SelectionContext context)
        {
            bool member = context.Root is { } root
                ? root.Descendants().Contains(_layer)
                : _layer.Variables.All(v => context.Variables.Contains(v));
            if (!member)
            {
                throw new SelectorMatchException($"Layer '{_layer.Path}' is not part of the model being selected from.");
            }

            var s = NewSet();
            s.UnionWith(_layer.Variables);
            return s;
        }

        private protected override string Hint(SelectionContext context) => $"Layer '{_layer.Path}' has no variables.";
    }

    private sealed class TypeSelector : Selector
    {
        private readonly Type _type;
        private readonly int _count;
        private readonly int _skip;

        public TypeSelector(Type type, int count, int skip)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
            ArgumentOutOfRangeException.ThrowIfNegative(skip);
            _type = type;
            _count = count;
            _skip = skip;
        }

        public override string Description => _count == int.MaxValue ? $"every {_type.Name}" : _skip == 0 ? $"first {_count} {_type.Name}" : $"{_type.Name} #{_skip + 1}..#{_skip + _count}";

        private protected override HashSet<Variable> Match(SelectionContext context)
        {
            var root = context.Root ?? throw new SelectorMatchException($"Selector {Description} needs a layer tree; it was given a plain variable list.");
            var layers = root.Descendants().Where(_type.IsInstanceOfType).ToList();
            if (_count == int.MaxValue && layers.Count == 0)
            {
                throw new SelectorMatchException($"Selector {Description}: the model has no {_type.Name} layer.");
            }

            if (_count != int.MaxValue && layers.Count < _skip + _count)
            {
                throw new SelectorMatchException($"Selector {Description}: the model has only {layers.Count} {_type.Name} layer(s).");
            }

            var s = NewSet();
            foreach (var l in layers.Skip(_skip).Take(_count))
            {
                s.UnionWith(l.Variables);
            }

            return s;
        }
    }

    /// <summary>Variables whose name satisfies a predicate given by a pattern (glob or regex).</summary>
    private sealed class NameSelector(string kind, string pattern, Func<string, bool> isMatch) : Selector
    {
        public override string Description => $"{kind} '{pattern}'";

        private protected override HashSet<Variable> Match(SelectionContext context)
        {
            var s = NewSet();
            s.UnionWith(context.Variables.Where(v => isMatch(context.NameOf(v))));
            return s;
        }

        private protected override string Hint(SelectionContext context) => ClosestHint(pattern, context);
    }

    private sealed class UnionSelector(Selector left, Selector right) : Selector
    {
        public override string Description => $"({left.Description} | {right.Description})";

        private protected override HashSet<Variable> Match(SelectionContext context)
        {
            var s = Required(left, context);
            s.UnionWith(Required(right, context));
            return s;
        }
    }

    private sealed class ExceptSelector(Selector left, Selector right) : Selector
    {
        public override string Description => $"({left.Description} - {right.Description})";

        private protected override HashSet<Variable> Match(SelectionContext context)
        {
            var s = Required(left, context);
            var removed = Required(right, context);
            if (!s.Overlaps(removed))
            {
                throw new SelectorMatchException($"Selector {Description}: {right.Description} removes nothing from {left.Description}.");
            }

            s.ExceptWith(removed);
            return s;
        }
    }

    private sealed class CountSelector(Selector inner, int count) : Selector
    {
        public override string Description => $"{inner.Description} (exactly {count})";

        private protected override HashSet<Variable> Match(SelectionContext context)
        {
            var s = inner.Match(context);
            if (s.Count != count)
            {
                throw new SelectorMatchException($"Selector {inner.Description} matched {s.Count} variable(s), expected exactly {count}.");
            }

            return s;
        }
    }

    private static string ClosestHint(string pattern, SelectionContext context)
    {
        // Compare against names and against every layer-path prefix, since patterns usually name scopes.
        var candidates = context.Variables.Select(context.NameOf)
            .SelectMany(n => Prefixes(n)).Distinct(StringComparer.Ordinal).ToList();
        string literal = pattern.Replace("/**", "", StringComparison.Ordinal).Replace("**", "", StringComparison.Ordinal).Replace("*", "", StringComparison.Ordinal);
        var close = NameMatching.Closest(literal, candidates, 3);
        return close.Count == 0 ? "The model has no variables." : $"Closest names: {string.Join(", ", close)}.";
    }

    private static IEnumerable<string> Prefixes(string name)
    {
        int i = -1;
        while ((i = name.IndexOf('/', i + 1)) >= 0)
        {
            yield return name[..i];
        }

        yield return name;
    }
}
