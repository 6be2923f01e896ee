using System.Text.Json;

namespace Frost.Adapters;

/// <summary>How adapters were injected: enough to inject the same adapters into another copy of the base model.</summary>
/// <param name="Targets">The selector that chose the target layers, as it reads in reports.</param>
/// <param name="Layers">Paths of the layers that carry an adapter, in model order.</param>
/// <param name="Rank">The rank r of every adapter.</param>
/// <param name="Alpha">The scale numerator: updates are multiplied by <c>Alpha / Rank</c>.</param>
/// <param name="Dropout">Dropout rate on the adapters' inputs in training mode.</param>
/// <param name="KeptTrainable">Names of the base variables kept trainable next to the adapters (e.g. a new head).</param>
public sealed record LoraRecipe(string Targets, IReadOnlyList<string> Layers, int Rank, float Alpha, float Dropout, IReadOnlyList<string> KeptTrainable)
{
    /// <summary>Whether two recipes put the same adapters on the same layers and keep the same variables trainable.</summary>
    public bool SameAdapters(LoraRecipe other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Rank == other.Rank && Alpha.Equals(other.Alpha) && Dropout.Equals(other.Dropout)
            && Layers.SequenceEqual(other.Layers, StringComparer.Ordinal) && KeptTrainable.SequenceEqual(other.KeptTrainable, StringComparer.Ordinal);
    }

    /// <summary>The recipe as compact JSON, e.g. for a checkpoint's metadata (<see cref="FromJson"/> reads it back).</summary>
    public string ToJson()
        => JsonSerializer.Serialize(new LoraRecipeRecord(Targets, [.. Layers], Rank, Alpha, Dropout, [.. KeptTrainable]), LoraJson.Default.LoraRecipeRecord);

    /// <summary>Reads a recipe written by <see cref="ToJson"/>, strictly (a missing, unknown or repeated member is an error).</summary>
    /// <exception cref="FormatException">The text is not such a recipe, or a value is out of range.</exception>
    public static LoraRecipe FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        LoraRecipeRecord? r;
        try
        {
            r = JsonSerializer.Deserialize(json, LoraJson.Default.LoraRecipeRecord);
        }
        catch (JsonException e)
        {
            throw new FormatException($"LoRA recipe: malformed JSON ({e.Message}).", e);
        }

        if (r is null || r.Rank < 1 || !float.IsFinite(r.Alpha) || r.Alpha <= 0 || !(r.Dropout >= 0 && r.Dropout < 1) || r.Layers.Length == 0)
        {
            throw new FormatException($"LoRA recipe: no layer, or rank {r?.Rank}, alpha {r?.Alpha} or dropout {r?.Dropout} out of range.");
        }

        return new LoraRecipe(r.Targets, r.Layers, r.Rank, r.Alpha, r.Dropout, r.Kept);
    }
}
