using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Adapters;

/// <summary>
/// LoRA on a frozen pretrained model: injects low-rank adapters into chosen <see cref="Dense"/> and <see cref="Conv2D"/>
/// layers (attention projections included), freezes the base in the same call, merges adapters into the base weights
/// for inference and export and back, and saves and loads adapters bound to the base they were trained on.
/// </summary>
/// <example>
/// <code>
/// var lora = Lora.Inject(model, Selector.Glob("layer*/attention/query/**") | Selector.Glob("layer*/attention/value/**"),
///     rank: 8, alpha: 16, keepTrainable: Selector.Glob("head/**"), optimizer: adamw);
/// Console.WriteLine(lora);          // adapter, kept and base parameters, optimizer state
/// // … train …
/// lora.Save("spam.lora.safetensors");
/// Lora.Load(freshModel, "spam.lora.safetensors");
/// </code>
/// </example>
public static class Lora
{
    /// <summary>
    /// Attaches an adapter to every layer owning a variable that <paramref name="targets"/> selects, then freezes every
    /// parameter of <paramref name="model"/> except the adapters and what <paramref name="keepTrainable"/> selects
    /// (through a <see cref="FreezePlan"/>, which fingerprints the frozen base and drops their optimizer state).
    /// Everything is checked before anything changes.
    /// </summary>
    /// <param name="model">The model, normally a root layer (variable names are relative to it).</param>
    /// <param name="targets">Chooses the layers: e.g. <c>Selector.Glob("layer*/attention/query/**")</c>; every layer it reaches must take an adapter.</param>
    /// <param name="rank">The rank r of each update (≥ 1).</param>
    /// <param name="alpha">The scale numerator: updates are multiplied by <c>alpha / rank</c> (positive).</param>
    /// <param name="dropout">Dropout rate on the adapters' inputs in training mode, in [0, 1).</param>
    /// <param name="keepTrainable">Base variables that keep training next to the adapters, e.g. a new head; null for none.</param>
    /// <param name="rng">Draws A (Kaiming-uniform) and seeds dropout; a fixed seed when null.</param>
    /// <param name="optimizer">When given, its state for the now frozen variables is dropped and the change recorded.</param>
    /// <exception cref="SelectorMatchException">A selector matched nothing; the message names the closest names.</exception>
    /// <exception cref="InvalidOperationException">A selected layer cannot take an adapter (not a Dense or ungrouped Conv2D, or it already has one); the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rank, alpha or dropout is out of range.</exception>
    public static LoraInjection Inject(Layer model, Selector targets, int rank, float alpha, float dropout = 0f, Selector? keepTrainable = null, Rng? rng = null, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(targets);
        CheckSettings(rank, alpha, dropout);
        if (Adapters(model) is [var first, ..])
        {
            throw new InvalidOperationException($"Lora.Inject: the model already has LoRA adapters (e.g. on '{first.Target.Path}'); Lora.Remove them first.");
        }

        var layers = TargetLayers(model, targets);
        var kept = keepTrainable is null ? [] : KeptVariables(model, keepTrainable);
        return InjectInto(model, targets.Description, layers, rank, alpha, dropout, kept, rng ?? new Rng(0x10a), optimizer, keepTrainable);
    }

    /// <summary>
    /// Injects the adapters a recipe describes (the same layers, rank, alpha and dropout, with the same variables kept
    /// trainable), e.g. to rebuild a trained model before restoring its checkpoint.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A recorded layer does not exist; the message lists close paths.</exception>
    /// <exception cref="InvalidOperationException">A recorded layer cannot take an adapter, or the model already has adapters.</exception>
    public static LoraInjection Inject(Layer model, LoraRecipe recipe, Rng? rng = null, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(recipe);
        CheckSettings(recipe.Rank, recipe.Alpha, recipe.Dropout);
        if (Adapters(model) is [var first, ..])
        {
            throw new InvalidOperationException($"Lora.Inject: the model already has LoRA adapters (e.g. on '{first.Target.Path}'); Lora.Remove them first.");
        }

        var layers = recipe.Layers.Select(p => model[p]).ToList();
        var context = SelectionContext.Of(model);
        var byName = model.Variables.ToDictionary(context.NameOf, StringComparer.Ordinal);
        var kept = recipe.KeptTrainable.Select(n => byName.TryGetValue(n, out var v) ? v
            : throw new KeyNotFoundException($"Lora.Inject: the recipe keeps '{n}' trainable, but the model has no such variable.")).ToList();
        return InjectInto(model, recipe.Targets, layers, recipe.Rank, recipe.Alpha, recipe.Dropout, kept, rng ?? new Rng(0x10a), optimizer);
    }

    /// <summary>The adapters of <paramref name="model"/>, in model order.</summary>
    public static IReadOnlyList<LoraAdapter> Adapters(Layer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Descendants().OfType<LoraAdapter>().ToList();
    }

    /// <summary>
    /// Folds every adapter's update into its target's weight (<c>W + (alpha / r)·B·A</c>), so the model computes the same
    /// function with plain layers, e.g. for ONNX export; the adapters then compute nothing until <see cref="Unmerge"/>.
    /// With <paramref name="keepWeights"/> (the default) the original weights are kept so that unmerging restores them
    /// bit for bit; without, unmerging subtracts the update again (equal within float rounding) and no copy is held.
    /// </summary>
    /// <returns>The number of adapters merged (already merged ones are skipped).</returns>
    public static int Merge(Layer model, bool keepWeights = true)
    {
        int n = 0;
        foreach (var a in Adapters(model).Where(a => !a.Merged))
        {
            a.Merge(keepWeights);
            n++;
        }

        return n;
    }

    /// <summary>Takes every merged adapter's update out of its target's weight again (see <see cref="Merge"/>).</summary>
    /// <returns>The number of adapters unmerged.</returns>
    public static int Unmerge(Layer model)
    {
        int n = 0;
        foreach (var a in Adapters(model).Where(a => a.Merged))
        {
            a.Unmerge();
            n++;
        }

        return n;
    }

    /// <summary>Detaches every adapter (unmerging merged ones first); the base variables keep their flags.</summary>
    /// <returns>The number of adapters removed.</returns>
    public static int Remove(Layer model)
    {
        var adapters = Adapters(model);
        foreach (var a in adapters)
        {
            if (a.Merged)
            {
                a.Unmerge();
            }

            a.Target.Detach(a);
        }

        return adapters.Count;
    }

    /// <summary>
    /// Loads an adapter file written by <see cref="LoraInjection.Save"/> onto <paramref name="model"/>: checks that the
    /// model's base variables are bit-identical to those the adapters were trained on (SHA-256), injects the recorded
    /// adapters (replacing different ones already there, so several adapters for one base can be switched), and loads
    /// the adapter tensors and the variables kept trainable. Nothing changes unless every check passes.
    /// </summary>
    /// <exception cref="AdapterBaseMismatchException">The model is not the base the adapters were trained on; the message names the first differing variable.</exception>
    /// <exception cref="IO.SafetensorsFormatException">The file is malformed or damaged.</exception>
    /// <exception cref="InvalidOperationException">The file holds no adapters, or the model's adapters are merged.</exception>
    public static LoraInjection Load(Layer model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LoraFile.Load(model, path);
    }

    /// <summary>The adapter attached to <paramref name="target"/>, if any.</summary>
    internal static LoraAdapter? AdapterOf(Layer target)
    {
        var children = target.Children;
        for (int i = 0; i < children.Count; i++)
        {
            if (children[i] is LoraAdapter a)
            {
                return a;
            }
        }

        return null;
    }

    internal static void CheckSettings(int rank, float alpha, float dropout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (!float.IsFinite(alpha) || alpha <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "LoRA: alpha must be positive and finite.");
        }

        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "LoRA: dropout must be in [0, 1).");
        }
    }

    /// <summary>Attaches adapters to <paramref name="layers"/> and freezes everything else but <paramref name="kept"/>.</summary>
    internal static LoraInjection InjectInto(Layer model, string description, IReadOnlyList<Layer> layers, int rank, float alpha, float dropout, IReadOnlyList<Variable> kept, Rng rng, Optimizer? optimizer, Selector? keepSelector = null)
    {
        foreach (var layer in layers)
        {
            CheckTarget(layer);
        }

        var adapters = new List<LoraAdapter>(layers.Count);
        foreach (var layer in layers)
        {
            LoraAdapter adapter = layer switch
            {
                Dense d => new LoraDense(d, rank, alpha, dropout, rng),
                Conv2D c => new LoraConv2D(c, rank, alpha, dropout, rng),
                _ => throw new InvalidOperationException($"{layer.TypeName} '{layer.Path}' cannot take a LoRA adapter."),
            };
            adapters.Add(layer.Attach(adapter, LoraAdapter.LayerName));
        }

        var trained = Selector.AllLayersOfType<LoraAdapter>();
        if (kept.Count > 0)
        {
            trained |= keepSelector ?? Selector.Variables([.. kept]);
        }

        var plan = new FreezePlan(model).TrainOnly(trained);
        var report = plan.Apply(optimizer);
        var recipe = new LoraRecipe(description, [.. layers.Select(model.RelativePath)], rank, alpha, dropout, [.. kept.Select(v => NameIn(model, v))]);
        return new LoraInjection(model, recipe, Adapters(model), kept, plan, report, optimizer);
    }

    /// <summary>The name of <paramref name="v"/> relative to <paramref name="model"/>.</summary>
    internal static string NameIn(Layer model, Variable v) => SelectionContext.Of(model).NameOf(v);

    private static List<Layer> TargetLayers(Layer model, Selector targets)
    {
        var layers = new List<Layer>();
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        foreach (var v in targets.Resolve(model))
        {
            var owner = v.Owner ?? throw new InvalidOperationException($"Lora.Inject: {targets.Description} selects '{v.Name}', which belongs to no layer.");
            if (owner is LoraAdapter a)
            {
                throw new InvalidOperationException($"Lora.Inject: {targets.Description} selects '{v.Name}' of the LoRA adapter of '{a.Target.Path}'; an adapter cannot take an adapter.");
            }

            if (seen.Add(owner))
            {
                layers.Add(owner);
            }
        }

        foreach (var layer in layers)
        {
            CheckTarget(layer, targets.Description);
        }

        return layers;
    }

    private static void CheckTarget(Layer layer, string? selector = null)
    {
        string by = selector is null ? "" : $" (selected by {selector})";
        switch (layer)
        {
            case Dense or Conv2D when AdapterOf(layer) is not null:
                throw new InvalidOperationException($"Lora.Inject: {layer.TypeName} '{layer.Path}'{by} already has a LoRA adapter; Lora.Remove the adapters first.");
            case Conv2D { Settings.Groups: > 1 } c:
                throw new InvalidOperationException($"Lora.Inject: Conv2D '{c.Path}'{by} is grouped ({c.Settings.Groups} groups), which cannot take a LoRA adapter; narrow the selector.");
            case Dense or Conv2D:
                return;
            default:
                throw new InvalidOperationException(
                    $"Lora.Inject: {layer.TypeName} '{layer.Path}'{by} cannot take a LoRA adapter (Dense and Conv2D layers can); narrow the selector, e.g. to the weights of those layers.");
        }
    }

    private static List<Variable> KeptVariables(Layer model, Selector keep)
    {
        var vars = keep.Resolve(model).Where(v => v.Kind == VariableKind.Parameter).ToList();
        if (vars.Count == 0)
        {
            throw new SelectorMatchException($"Lora.Inject: keepTrainable {keep.Description} selects only state variables, which never train.");
        }

        if (vars.FirstOrDefault(v => v.Owner is LoraAdapter) is { } adapterVar)
        {
            throw new InvalidOperationException($"Lora.Inject: keepTrainable {keep.Description} selects the adapter variable '{adapterVar.Name}'; adapters train anyway.");
        }

        return vars;
    }
}
