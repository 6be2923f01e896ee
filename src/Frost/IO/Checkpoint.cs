using System.Globalization;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.IO;

/// <summary>
/// Saves and restores every variable — frozen or not — with its trainable flag, freeze mask and, for frozen
/// values, a SHA-256 fingerprint, optionally with optimizer state and generator states for exact resume.
/// The file is safetensors: any safetensors reader can load the tensors; Frost's extra state lives in
/// <c>__metadata__</c> (see <see cref="CheckpointInfo"/>).
/// </summary>
public static class Checkpoint
{
    /// <summary>Saves all variables of <paramref name="model"/> (names relative to it), atomically.</summary>
    /// <remarks>The layers' own random generators (dropout) are saved too, for exact resume.</remarks>
    /// <exception cref="ArgumentException">A metadata key is reserved, or a generator name is used twice.</exception>
    public static void Save(string path, Layer model, CheckpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new CheckpointOptions();
        Write(path, model.Variables, partial: false, new CheckpointOptions
        {
            Optimizer = options.Optimizer,
            Plan = options.Plan,
            Metadata = options.Metadata,
            Rngs = WithLayerGenerators(model, options.Rngs),
        });
    }

    /// <summary>Saves all variables under <paramref name="scope"/> (a model written by hand), atomically.</summary>
    /// <exception cref="ArgumentException">Two variables share a name, or a metadata key is reserved.</exception>
    public static void Save(string path, VariableScope scope, CheckpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        Write(path, scope.Variables, partial: false, options ?? new CheckpointOptions());
    }

    /// <summary>
    /// Saves only the given variables (e.g. adapters or the trainable part), atomically, and marks the file as
    /// partial: restoring it reports every model variable it does not cover.
    /// </summary>
    /// <exception cref="ArgumentException">Two variables share a name, or a metadata key is reserved.</exception>
    public static void SavePartial(string path, IEnumerable<Variable> variables, CheckpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        Write(path, variables, partial: true, options ?? new CheckpointOptions());
    }

    /// <summary>Restores <paramref name="model"/>'s variables (names relative to it) from the file at <paramref name="path"/>.</summary>
    /// <remarks>The file is read through one handle from header to last tensor, so a concurrent atomic replace is never mixed in.</remarks>
    /// <inheritdoc cref="Restore(Safetensors, IEnumerable{Variable}, FreezeStatePolicy, RestoreOptions?)"/>
    public static RestoreReport Restore(string path, Layer model, FreezeStatePolicy freezeState, RestoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var file = Safetensors.Open(path);
        return Restore(file, model, freezeState, options);
    }

    /// <summary>Restores <paramref name="model"/>'s variables (names relative to it) from an open file.</summary>
    /// <remarks>The layers' own random generators are restored when the checkpoint has them.</remarks>
    /// <inheritdoc cref="Restore(Safetensors, IEnumerable{Variable}, FreezeStatePolicy, RestoreOptions?)"/>
    public static RestoreReport Restore(Safetensors file, Layer model, FreezeStatePolicy freezeState, RestoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layerRngs = model.Generators.ToDictionary(g => "layer:" + g.Name, g => g.Rng, StringComparer.Ordinal);
        return Restore(file, model.Variables, freezeState, options ?? new RestoreOptions(), layerRngs);
    }

    /// <summary>Restores variables by name from the file at <paramref name="path"/>.</summary>
    /// <inheritdoc cref="Restore(Safetensors, IEnumerable{Variable}, FreezeStatePolicy, RestoreOptions?)"/>
    public static RestoreReport Restore(string path, IEnumerable<Variable> variables, FreezeStatePolicy freezeState, RestoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        using var file = Safetensors.Open(path);
        return Restore(file, variables, freezeState, options);
    }

    /// <summary>
    /// Loads values by name, checking every frozen value against its recorded SHA-256, and sets or keeps the
    /// trainable flags and masks as <paramref name="freezeState"/> says; the report lists every variable whose
    /// freeze state differed. Nothing is changed unless all checks pass.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The file is malformed or a damaged Frost checkpoint (a frozen value fails its fingerprint, a record Frost always writes is missing).</exception>
    /// <exception cref="InvalidOperationException">
    /// Names or shapes mismatch under policy Error; the optimizer kind differs; the freeze state differs under
    /// <see cref="FreezeStatePolicy.FailOnDifference"/>; or the file has no Frost metadata and
    /// <see cref="RestoreOptions.AllowUnverified"/> is not set.
    /// </exception>
    public static RestoreReport Restore(Safetensors file, IEnumerable<Variable> variables, FreezeStatePolicy freezeState, RestoreOptions? options = null)
        => Restore(file, variables, freezeState, options ?? new RestoreOptions(), null);

    /// <summary>Reads the whole file and checks every frozen value and mask against its fingerprint, changing nothing.</summary>
    /// <returns>The checked metadata (<see cref="CheckpointInfo.IsFrostCheckpoint"/> is false for a file with nothing to verify).</returns>
    /// <exception cref="SafetensorsFormatException">The file is malformed or damaged; the message names the variable or key.</exception>
    public static CheckpointInfo Verify(string path)
    {
        using var file = Safetensors.Open(path);
        return Verify(file);
    }

    /// <inheritdoc cref="Verify(string)"/>
    public static CheckpointInfo Verify(Safetensors file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var info = CheckpointInfo.Read(file);
        foreach (var rec in info.Variables)
        {
            var shape = file.Entries[rec.Name].Shape;
            var values = file.ReadFloats(rec.Name);
            var mask = rec.MaskTensor is { } m ? ReadMask(file, m, rec.Name) : null;
            CheckFingerprint(file, rec, values, mask, shape);
        }

        return info;
    }

    private static Dictionary<string, Rng>? WithLayerGenerators(Layer model, IReadOnlyDictionary<string, Rng>? rngs)
    {
        var all = new Dictionary<string, Rng>(StringComparer.Ordinal);
        foreach (var (name, rng) in model.Generators)
        {
            all["layer:" + name] = rng;
        }

        foreach (var (name, rng) in rngs ?? new Dictionary<string, Rng>())
        {
            if (!all.TryAdd(name, rng))
            {
                throw new ArgumentException($"Generator name '{name}' is used twice.", nameof(rngs));
            }
        }

        return all.Count == 0 ? null : all;
    }

    private static void Write(string path, IEnumerable<Variable> variables, bool partial, CheckpointOptions options)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new List<(string, string, int[], float[])>();
        var records = new List<VariableRecord>();
        foreach (var v in variables)
        {
            if (!names.Add(v.Name) || v.Name.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Checkpoint.Save: variable name '{v.Name}' is duplicated or reserved.", nameof(variables));
            }

            tensors.Add((v.Name, "F32", v.Shape.ToArray(), v.Value.ToArray()));
            string? maskName = null;
            if (v.FreezeMask is { } mask)
            {
                maskName = CheckpointInfo.MaskPrefix + v.Name;
                tensors.Add((maskName, "U8", v.Shape.ToArray(), mask.ToArray()));
            }

            // NOTE: fingerprinted by the saved flags alone (every non-trainable variable, so all state, and every
            // masked one), not by FreezeStatus, so a reader can tell from each record whether a sha256 must
            // be there; state that was still training is fingerprinted too, which costs one hash.
            string? sha = !v.Trainable || v.FreezeMask is not null
                ? Convert.ToHexStringLower(FreezePlan.Fingerprint(v, masked: v.Trainable))
                : null;
            records.Add(new VariableRecord(v.Name, v.Kind == VariableKind.State ? "state" : "parameter", v.Trainable, maskName, sha));
        }

        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            [CheckpointInfo.FormatKey] = CheckpointInfo.FormatVersion.ToString(CultureInfo.InvariantCulture),
            [CheckpointInfo.VariablesKey] = CheckpointJson.Write(records.ToArray(), CheckpointJson.Default.VariableRecordArray),
        };
        if (partial)
        {
            meta[CheckpointInfo.PartialKey] = "true";
        }

        if (options.Plan is { } plan)
        {
            var steps = plan.Steps.Select(s => (s.Freeze ? "freeze " : "unfreeze ") + s.Selector.Description).ToArray();
            meta[CheckpointInfo.PlanKey] = CheckpointJson.Write(steps, CheckpointJson.Default.StringArray);
        }

        if (options.Optimizer is { } opt)
        {
            var states = new List<OptimizerVariableRecord>();
            foreach (var (v, st) in opt.State)
            {
                if (!names.Contains(v.Name) || !v.Trainable)
                {
                    continue;
                }

                for (int i = 0; i < st.SlotNames.Count; i++)
                {
                    tensors.Add(($"{CheckpointInfo.OptimizerPrefix}{st.SlotNames[i]}/{v.Name}", "F32", v.Shape.ToArray(), st.Slot(st.SlotNames[i]).ToArray()));
                }

                states.Add(new OptimizerVariableRecord(v.Name, st.Step));
            }

            var record = new OptimizerRecord(
                opt.Kind,
                opt.Iterations,
                [.. opt.StateSlotNames],
                [.. states],
                [.. opt.Transitions.Select(t => new TransitionRecord(t.Iteration, [.. t.Frozen], [.. t.Unfrozen]))]);
            meta[CheckpointInfo.OptimizerKey] = CheckpointJson.Write(record, CheckpointJson.Default.OptimizerRecord);
        }

        if (options.Rngs is { } rngs)
        {
            var words = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var (k, r) in rngs)
            {
                var s = r.GetState();
                words[k] =
                [
                    s.S0.ToString(CultureInfo.InvariantCulture), s.S1.ToString(CultureInfo.InvariantCulture),
                    s.S2.ToString(CultureInfo.InvariantCulture), s.S3.ToString(CultureInfo.InvariantCulture),
                    BitConverter.SingleToInt32Bits(s.Spare).ToString(CultureInfo.InvariantCulture), s.HasSpare ? "1" : "0",
                ];
            }

            meta[CheckpointInfo.RngKey] = CheckpointJson.Write(words, CheckpointJson.Default.DictionaryStringStringArray);
        }

        if (options.AdapterRecord is { } adapter)
        {
            meta[CheckpointInfo.AdapterKey] = adapter;
        }

        foreach (var (k, v) in options.Metadata ?? new Dictionary<string, string>())
        {
            if (k.StartsWith("frost.", StringComparison.Ordinal) || !meta.TryAdd(k, v))
            {
                throw new ArgumentException($"Checkpoint.Save: metadata key '{k}' is reserved.", nameof(options));
            }
        }

        meta[CheckpointInfo.HeaderDigestKey] = CheckpointInfo.HeaderDigest(meta, Safetensors.Layout(tensors));
        Safetensors.Write(path, tensors, meta);
    }

    private static RestoreReport Restore(Safetensors file, IEnumerable<Variable> variables, FreezeStatePolicy freezeState, RestoreOptions options, Dictionary<string, Rng>? layerRngs)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(variables);
        if (!Enum.IsDefined(freezeState))
        {
            throw new ArgumentOutOfRangeException(nameof(freezeState), freezeState, "Unknown freeze-state policy.");
        }

        string path = file.FilePath;
        var info = CheckpointInfo.Read(file);
        if (!info.IsFrostCheckpoint)
        {
            if (!options.AllowUnverified)
            {
                throw new InvalidOperationException($"{path}: not a Frost checkpoint (no Frost metadata), so its values cannot be verified; set RestoreOptions.AllowUnverified to load it anyway.");
            }

            if (freezeState != FreezeStatePolicy.KeepCurrent)
            {
                throw new InvalidOperationException($"{path}: not a Frost checkpoint, so it holds no freeze state; restore it with FreezeStatePolicy.KeepCurrent.");
            }
        }

        var model = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (var v in variables)
        {
            if (!model.TryAdd(v.Name, v))
            {
                throw new ArgumentException($"Checkpoint.Restore: two variables are named '{v.Name}'.", nameof(variables));
            }
        }

        var mapped = new Dictionary<string, string>(StringComparer.Ordinal); // model name → checkpoint name
        var unexpected = new List<string>();
        foreach (var name in file.Entries.Values.OrderBy(e => e.Begin).Select(e => e.Name).Where(n => !n.StartsWith("__", StringComparison.Ordinal)))
        {
            string? target = options.MapName is null ? name : options.MapName(name);
            if (target is null)
            {
                continue;
            }

            if (model.ContainsKey(target) && !mapped.ContainsKey(target))
            {
                mapped[target] = name;
            }
            else
            {
                unexpected.Add(name);
            }
        }

        var missing = model.Keys.Where(n => !mapped.ContainsKey(n)).ToList();
        var mismatched = mapped.Where(p => !file.Entries[p.Value].Shape.SequenceEqual(model[p.Key].Shape.ToArray()))
            .Select(p => $"{p.Key} (model {model[p.Key].Shape}, checkpoint [{string.Join(", ", file.Entries[p.Value].Shape)}])").ToList();
        var problems = new List<string>();
        if (missing.Count > 0 && options.Missing == MismatchPolicy.Error)
        {
            problems.Add(info.IsPartial
                ? $"the checkpoint is partial ({info.Variables.Count} variables) and does not cover: {string.Join(", ", missing)}"
                : $"missing from the checkpoint: {string.Join(", ", missing)}");
        }

        if (unexpected.Count > 0 && options.Unexpected == MismatchPolicy.Error)
        {
            problems.Add($"not in the model: {string.Join(", ", unexpected)}");
        }

        if (mismatched.Count > 0 && options.ShapeMismatch == MismatchPolicy.Error)
        {
            problems.Add($"shape mismatch: {string.Join(", ", mismatched)}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{path}: cannot restore: {string.Join("; ", problems)}.");
        }

        // Read and verify everything before changing any variable.
        var loads = new List<(Variable Var, float[] Values, float[]? Mask, CheckpointVariable? Record)>();
        var changes = new List<FreezeStateChange>();
        foreach (var (modelName, ckptName) in mapped)
        {
            var v = model[modelName];
            var shape = file.Entries[ckptName].Shape;
            if (!shape.SequenceEqual(v.Shape.ToArray()))
            {
                continue;
            }

            var values = file.ReadFloats(ckptName);
            var rec = info.ByName.GetValueOrDefault(ckptName);
            float[]? mask = null;
            if (rec is not null)
            {
                mask = rec.MaskTensor is { } maskName ? ReadMask(file, maskName, ckptName) : null;
                CheckFingerprint(file, rec, values, mask, shape);
                bool flagDiffers = v.Kind == VariableKind.Parameter && v.Trainable != rec.Trainable;
                bool maskDiffers = !SameMask(v.FreezeMask, mask);
                if (flagDiffers || maskDiffers)
                {
                    changes.Add(new FreezeStateChange(v.Name, v.Trainable, flagDiffers ? rec.Trainable : v.Trainable, maskDiffers, freezeState == FreezeStatePolicy.FromCheckpoint));
                }
            }

            loads.Add((v, values, mask, rec));
        }

        if (freezeState == FreezeStatePolicy.FailOnDifference && changes.Count > 0)
        {
            throw new InvalidOperationException($"{path}: the model's freeze state differs from the checkpoint's ({string.Join(", ", changes.Select(c => c.Difference))}); nothing was restored.");
        }

        var optimizerState = options.Optimizer is { } optimizer ? ReadOptimizer(file, info, optimizer, model, options.MapName) : null;
        var rngStates = new List<(Rng Rng, RngState State)>();
        if (options.Rngs is { } rngs)
        {
            var saved = info.Rngs ?? throw new InvalidOperationException($"{path}: the checkpoint holds no generator state.");
            foreach (var (name, rng) in rngs)
            {
                rngStates.Add((rng, saved.TryGetValue(name, out var st) ? st : throw new InvalidOperationException($"{path}: the checkpoint holds no state for generator '{name}'.")));
            }
        }

        if (layerRngs is { Count: > 0 } && info.Rngs is { } layerStates)
        {
            rngStates.AddRange(layerRngs.Where(p => layerStates.ContainsKey(p.Key)).Select(p => (p.Value, layerStates[p.Key])));
        }

        // Everything is verified: apply.
        foreach (var (v, values, mask, rec) in loads)
        {
            values.CopyTo(v.Value.AsSpan());
            if (freezeState == FreezeStatePolicy.FromCheckpoint && rec is not null)
            {
                if (v.Kind == VariableKind.Parameter)
                {
                    v.Trainable = rec.Trainable;
                }

                v.SetFreezeMask(mask is null ? null : Tensor.Wrap(mask, v.Shape.ToArray()));
            }
        }

        // Restored values are legitimate: fixed ones are fingerprinted again.
        foreach (var (v, _, _, _) in loads)
        {
            v.Refingerprint();
        }

        if (optimizerState is { } os)
        {
            options.Optimizer!.RestoreState(os.Iterations, os.States.Where(x => x.Variable.Trainable), os.Transitions);
        }

        foreach (var (rng, state) in rngStates)
        {
            rng.SetState(state);
        }

        return new RestoreReport(
            loads.Select(l => l.Var.Name).ToList(),
            missing,
            unexpected,
            mismatched,
            loads.Where(l => FreezeStatus.KeepsValue(l.Var)).Select(l => l.Var.Name).ToList(),
            changes,
            info.IsPartial,
            info.IsFrostCheckpoint,
            file.Metadata);
    }

    private static void CheckFingerprint(Safetensors file, CheckpointVariable rec, float[] values, float[]? mask, int[] shape)
    {
        if (rec.Sha256 is not { } expected)
        {
            return;
        }

        var probe = new Variable(rec.Name, Tensor.Wrap(values, shape));
        if (mask is not null)
        {
            probe.SetFreezeMask(Tensor.Wrap(mask, shape));
        }

        string actual = Convert.ToHexStringLower(FreezePlan.Fingerprint(probe, masked: rec.Trainable && mask is not null));
        if (actual != expected)
        {
            throw new SafetensorsFormatException(file.FilePath, $"frozen variable '{rec.Name}' does not match its recorded SHA-256: the file is corrupt or was edited.");
        }
    }

    private static bool SameMask(Tensor? current, float[]? saved)
        => current is null ? saved is null : saved is not null && current.AsReadOnlySpan().SequenceEqual(saved);

    private static float[] ReadMask(Safetensors file, string maskName, string owner)
    {
        var mask = file.ReadFloats(maskName);
        int bad = Array.FindIndex(mask, m => m is not (0f or 1f));
        if (bad >= 0)
        {
            throw new SafetensorsFormatException(file.FilePath, $"mask tensor '{maskName}' of '{owner}' holds values other than 0 and 1 ({mask[bad]} at element {bad}).");
        }

        return mask;
    }

    private sealed record OptimizerState(long Iterations, List<(Variable Variable, long Step, float[][] Slots)> States, List<FreezeTransition> Transitions);

    /// <summary>Reads optimizer state (already checked by <see cref="CheckpointInfo.Read"/>) without changing the optimizer.</summary>
    private static OptimizerState ReadOptimizer(Safetensors file, CheckpointInfo info, Optimizer opt, Dictionary<string, Variable> model, Func<string, string?>? map)
    {
        var o = info.Optimizer ?? throw new InvalidOperationException($"{file.FilePath}: the checkpoint holds no optimizer state.");
        if (o.Kind != opt.Kind || !o.Slots.SequenceEqual(opt.StateSlotNames))
        {
            throw new InvalidOperationException(
                $"{file.FilePath}: the checkpoint holds {o.Kind} state with buffers [{string.Join(", ", o.Slots)}], but the optimizer is {opt.Kind} with [{string.Join(", ", opt.StateSlotNames)}].");
        }

        var states = new List<(Variable, long, float[][])>();
        foreach (var s in o.Variables)
        {
            string? target = map is null ? s.Name : map(s.Name);
            if (target is null || !model.TryGetValue(target, out var v) || !file.Entries[s.Name].Shape.SequenceEqual(v.Shape.ToArray()))
            {
                continue;
            }

            var buffers = o.Slots.Select(slot => file.ReadFloats($"{CheckpointInfo.OptimizerPrefix}{slot}/{s.Name}")).ToArray();
            states.Add((v, s.Step, buffers));
        }

        var transitions = o.Transitions.Select(t => new FreezeTransition(t.Iteration, t.Frozen, t.Unfrozen)).ToList();
        return new OptimizerState(o.Iterations, states, transitions);
    }
}
