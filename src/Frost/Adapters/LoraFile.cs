using System.Text.Json;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;

namespace Frost.Adapters;

/// <summary>
/// Adapter files: a partial checkpoint of the adapters' tensors, the variables kept trainable and the state training
/// changed (running statistics of batch norms kept training), with a <c>frost.adapter</c> record holding the recipe
/// and the name, shape and SHA-256 of every other variable: the base.
/// </summary>
internal static class LoraFile
{
    private const string Kind = "lora";

    public static void Save(string path, LoraInjection injection)
    {
        ArgumentNullException.ThrowIfNull(injection);
        var model = injection.Model;
        var adapters = Lora.Adapters(model);
        if (!adapters.SequenceEqual(injection.Adapters))
        {
            throw new InvalidOperationException("LoraInjection.Save: the model's adapters changed since they were injected; save the injection that Lora.Inject or Lora.Load returned last.");
        }

        if (adapters.FirstOrDefault(a => a.Merged) is { } merged)
        {
            throw new InvalidOperationException($"LoraInjection.Save: the adapter of '{merged.Target.Path}' is merged into the base weights; Lora.Unmerge before saving adapters.");
        }

        var saved = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        saved.UnionWith(adapters.SelectMany(a => a.Variables));
        saved.UnionWith(injection.KeptTrainable);

        // State that training changes (running statistics of a batch norm kept training) travels with the adapters.
        var state = model.Variables.Where(v => v.Kind == VariableKind.State && !saved.Contains(v) && !FreezeStatus.KeepsValue(v)).ToList();
        saved.UnionWith(state);
        var baseRecords = model.Variables.Where(v => !saved.Contains(v))
            .Select(v => new LoraBaseRecord(Lora.NameIn(model, v), v.Shape.ToArray(), Convert.ToHexStringLower(FreezePlan.Fingerprint(v))))
            .ToArray();
        var r = injection.Recipe;
        var record = new LoraFileRecord(Kind, r.Targets, [.. r.Layers], r.Rank, r.Alpha, r.Dropout, [.. r.KeptTrainable], [.. state.Select(v => Lora.NameIn(model, v))], baseRecords);
        string json = JsonSerializer.Serialize(record, LoraJson.Default.LoraFileRecord);
        Checkpoint.SavePartial(path, model.Variables.Where(saved.Contains), new CheckpointOptions { AdapterRecord = json });
    }

    public static LoraInjection Load(Layer model, string path)
    {
        using var file = Safetensors.Open(path);
        Checkpoint.Verify(file);
        if (!file.Metadata.TryGetValue(CheckpointInfo.AdapterKey, out var json))
        {
            throw new InvalidOperationException($"{path}: not a LoRA adapter file (no '{CheckpointInfo.AdapterKey}' record); load a full checkpoint with Checkpoint.Restore.");
        }

        var rec = Parse(file, json);
        var existing = Lora.Adapters(model);
        if (existing.FirstOrDefault(a => a.Merged) is { } merged)
        {
            throw new InvalidOperationException($"{path}: the model's adapter of '{merged.Target.Path}' is merged into the base weights; Lora.Unmerge before loading adapters.");
        }

        var context = SelectionContext.Of(model);
        var byName = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (var v in model.Variables.Where(v => v.Owner is not LoraAdapter))
        {
            byName[context.NameOf(v)] = v;
        }

        CheckBase(path, rec, byName);
        var kept = rec.Kept.Select(n => byName[n]).ToList();
        var state = rec.State.Select(n => byName[n]).ToList();
        var layers = rec.Layers.Select(p => TargetLayer(file, model, p, rec.Rank)).ToList();
        foreach (var v in kept.Concat(state))
        {
            CheckEntry(file, v.Name, v.Shape);
        }

        // Every check passed: put the recorded adapters in place, then load their values.
        var recipe = new LoraRecipe(rec.Targets, rec.Layers, rec.Rank, rec.Alpha, rec.Dropout, rec.Kept);
        Lora.Remove(model);
        var injection = Lora.InjectInto(model, rec.Targets, layers, rec.Rank, rec.Alpha, rec.Dropout, kept, new Rng(0x10a), null);
        var values = injection.Adapters.SelectMany(a => a.Variables).Concat(kept).Concat(state);
        Checkpoint.Restore(file, values, FreezeStatePolicy.KeepCurrent);
        return recipe.SameAdapters(injection.Recipe) ? injection : throw new InvalidOperationException($"{path}: the adapters could not be rebuilt as recorded.");
    }

    private static LoraFileRecord Parse(Safetensors file, string json)
    {
        LoraFileRecord? rec;
        try
        {
            rec = JsonSerializer.Deserialize(json, LoraJson.Default.LoraFileRecord);
        }
        catch (JsonException e)
        {
            throw Damaged(file, $"'{CheckpointInfo.AdapterKey}' is malformed ({e.Message})");
        }

        if (rec is null || rec.Kind != Kind)
        {
            throw Damaged(file, $"'{CheckpointInfo.AdapterKey}' is not a LoRA record");
        }

        if (rec.Rank < 1 || !float.IsFinite(rec.Alpha) || rec.Alpha <= 0 || !(rec.Dropout >= 0 && rec.Dropout < 1))
        {
            throw Damaged(file, $"'{CheckpointInfo.AdapterKey}' has rank {rec.Rank}, alpha {rec.Alpha} or dropout {rec.Dropout} out of range");
        }

        if (rec.Layers.Length == 0 || rec.Layers.Distinct(StringComparer.Ordinal).Count() != rec.Layers.Length)
        {
            throw Damaged(file, $"'{CheckpointInfo.AdapterKey}' lists no layer or a layer twice");
        }

        return rec;
    }

    /// <summary>Checks the model's base variables against the recorded ones, in order; the first difference is an error.</summary>
    private static void CheckBase(string path, LoraFileRecord rec, Dictionary<string, Variable> byName)
    {
        string intro = $"{path}: the model is not the base these adapters were trained on:";
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in rec.Base)
        {
            recorded.Add(b.Name);
            if (!byName.TryGetValue(b.Name, out var v))
            {
                throw new AdapterBaseMismatchException($"{intro} it has no variable '{b.Name}'.", b.Name);
            }

            if (!v.Shape.ToArray().AsSpan().SequenceEqual(b.Shape))
            {
                throw new AdapterBaseMismatchException($"{intro} variable '{b.Name}' is {v.Shape}, the base's was [{string.Join(", ", b.Shape)}].", b.Name);
            }

            string sha = Convert.ToHexStringLower(FreezePlan.Fingerprint(v));
            if (sha != b.Sha256)
            {
                throw new AdapterBaseMismatchException($"{intro} variable '{b.Name}' has other values (SHA-256 {sha[..12]}…, the base's {Short(b.Sha256)}…).", b.Name);
            }
        }

        foreach (var k in rec.Kept.Concat(rec.State))
        {
            if (!byName.ContainsKey(k))
            {
                throw new AdapterBaseMismatchException($"{intro} it has no variable '{k}' (trained with the adapters).", k);
            }

            recorded.Add(k);
        }

        if (byName.Keys.FirstOrDefault(n => !recorded.Contains(n)) is { } extra)
        {
            throw new AdapterBaseMismatchException($"{intro} it has variable '{extra}', which the base did not.", extra);
        }
    }

    /// <summary>The layer at <paramref name="layerPath"/>, checked to take the recorded adapter (type and tensor shapes).</summary>
    private static Layer TargetLayer(Safetensors file, Layer model, string layerPath, int rank)
    {
        Layer layer;
        try
        {
            layer = model[layerPath];
        }
        catch (KeyNotFoundException e)
        {
            throw new AdapterBaseMismatchException($"{file.FilePath}: the model is not the base these adapters were trained on: {e.Message}", layerPath);
        }

        string prefix = layer.Path + "/" + LoraAdapter.LayerName + "/";
        switch (layer)
        {
            case Dense d:
                CheckEntry(file, prefix + "a", new Shape(rank, d.InFeatures));
                CheckEntry(file, prefix + "b", new Shape(d.OutFeatures, rank));
                break;
            case Conv2D { Settings.Groups: 1 } c:
                CheckEntry(file, prefix + "a", new Shape(rank, c.InChannels, c.Weight.Shape[2], c.Weight.Shape[3]));
                CheckEntry(file, prefix + "b", new Shape(c.OutChannels, rank, 1, 1));
                break;
            default:
                throw new AdapterBaseMismatchException($"{file.FilePath}: the model is not the base these adapters were trained on: {layer.TypeName} '{layer.Path}' cannot take a LoRA adapter.", layerPath);
        }

        return layer;
    }

    private static void CheckEntry(Safetensors file, string name, Shape shape)
    {
        if (!file.Entries.TryGetValue(name, out var e))
        {
            throw Damaged(file, $"tensor '{name}' is missing");
        }

        if (!e.Shape.AsSpan().SequenceEqual(shape.ToArray()))
        {
            throw Damaged(file, $"tensor '{name}' is [{string.Join(", ", e.Shape)}], expected {shape}");
        }
    }

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    private static SafetensorsFormatException Damaged(Safetensors file, string problem)
        => new(file.FilePath, "damaged LoRA adapter file: " + problem + ".");
}
