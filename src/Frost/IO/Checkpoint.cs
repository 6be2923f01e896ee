using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.IO;

/// <summary>
/// Saves and restores every variable — frozen or not — with its trainable flag, freeze mask and, for frozen
/// values, a SHA-256 fingerprint, optionally with optimizer state and generator states for exact resume.
/// The file is safetensors: any safetensors reader can load the tensors; Frost's extra state lives in
/// <c>__metadata__</c>.
/// </summary>
public static class Checkpoint
{
    private const string MaskPrefix = "__mask__/";
    private const string OptimizerPrefix = "__optimizer__/";
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Saves all variables of <paramref name="model"/> (names relative to it).</summary>
    /// <remarks>The layers' own random generators (dropout) are saved too, for exact resume.</remarks>
    public static void Save(string path, Layer model, CheckpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new CheckpointOptions();
        Save(path, model.Variables, new CheckpointOptions
        {
            Optimizer = options.Optimizer,
            Plan = options.Plan,
            Metadata = options.Metadata,
            Rngs = WithLayerGenerators(model, options.Rngs),
        });
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

    /// <summary>Saves the given variables under their names, atomically (temporary file, flush, rename).</summary>
    /// <exception cref="ArgumentException">Two variables share a name, or a metadata key is reserved.</exception>
    public static void Save(string path, IEnumerable<Variable> variables, CheckpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        options ??= new CheckpointOptions();
        var vars = variables.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new List<(string, string, int[], float[])>();
        var records = new JsonArray();
        foreach (var v in vars)
        {
            if (!names.Add(v.Name) || v.Name.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Checkpoint.Save: variable name '{v.Name}' is duplicated or reserved.", nameof(variables));
            }

            tensors.Add((v.Name, "F32", v.Shape.ToArray(), v.Value.ToArray()));
            var rec = new JsonObject
            {
                ["name"] = v.Name,
                ["kind"] = v.Kind == VariableKind.State ? "state" : "parameter",
                ["trainable"] = v.Trainable,
            };
            if (v.FreezeMask is { } mask)
            {
                tensors.Add((MaskPrefix + v.Name, "U8", v.Shape.ToArray(), mask.ToArray()));
                rec["mask"] = MaskPrefix + v.Name;
            }

            if (!v.Trainable || v.FreezeMask is not null)
            {
                rec["sha256"] = Convert.ToHexStringLower(FreezePlan.Fingerprint(v, masked: v.Trainable));
            }

            records.Add(rec);
        }

        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            ["frost.format"] = "1",
            ["frost.variables"] = records.ToJsonString(s_json),
        };
        if (options.Plan is { } plan)
        {
            meta["frost.freeze_plan"] = new JsonArray(plan.Steps.Select(s => (JsonNode)((s.Freeze ? "freeze " : "unfreeze ") + s.Selector.Description)).ToArray()).ToJsonString(s_json);
        }

        if (options.Optimizer is { } opt)
        {
            var states = new JsonArray();
            foreach (var (v, st) in opt.State)
            {
                if (!names.Contains(v.Name) || !v.Trainable)
                {
                    continue;
                }

                for (int i = 0; i < st.SlotNames.Count; i++)
                {
                    tensors.Add(($"{OptimizerPrefix}{st.SlotNames[i]}/{v.Name}", "F32", v.Shape.ToArray(), st.Slot(st.SlotNames[i]).ToArray()));
                }

                states.Add(new JsonObject { ["name"] = v.Name, ["step"] = st.Step });
            }

            meta["frost.optimizer"] = new JsonObject
            {
                ["kind"] = opt.Kind,
                ["iterations"] = opt.Iterations,
                ["slots"] = new JsonArray(opt.StateSlotNames.Select(s => (JsonNode)s).ToArray()),
                ["variables"] = states,
                ["transitions"] = new JsonArray(opt.Transitions.Select(t => (JsonNode)new JsonObject
                {
                    ["iteration"] = t.Iteration,
                    ["frozen"] = new JsonArray(t.Frozen.Select(n => (JsonNode)n).ToArray()),
                    ["unfrozen"] = new JsonArray(t.Unfrozen.Select(n => (JsonNode)n).ToArray()),
                }).ToArray()),
            }.ToJsonString(s_json);
        }

        if (options.Rngs is { } rngs)
        {
            var o = new JsonObject();
            foreach (var (k, r) in rngs)
            {
                var s = r.GetState();
                o[k] = new JsonArray(
                    s.S0.ToString(CultureInfo.InvariantCulture), s.S1.ToString(CultureInfo.InvariantCulture),
                    s.S2.ToString(CultureInfo.InvariantCulture), s.S3.ToString(CultureInfo.InvariantCulture),
                    BitConverter.SingleToInt32Bits(s.Spare).ToString(CultureInfo.InvariantCulture), s.HasSpare ? "1" : "0");
            }

            meta["frost.rng"] = o.ToJsonString(s_json);
        }

        foreach (var (k, v) in options.Metadata ?? new Dictionary<string, string>())
        {
            if (k.StartsWith("frost.", StringComparison.Ordinal) || !meta.TryAdd(k, v))
            {
                throw new ArgumentException($"Checkpoint.Save: metadata key '{k}' is reserved.", nameof(options));
            }
        }

        Safetensors.Write(path, tensors, meta);
    }

    /// <summary>Restores <paramref name="model"/>'s variables (names relative to it).</summary>
    /// <remarks>The layers' own random generators are restored when the checkpoint has them.</remarks>
    public static RestoreReport Restore(string path, Layer model, RestoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new RestoreOptions();
        var layerRngs = model.Generators.ToDictionary(g => "layer:" + g.Name, g => g.Rng, StringComparer.Ordinal);
        return Restore(path, model.Variables, options, layerRngs);
    }

    /// <summary>
    /// Loads values by name, and by default trainable flags and masks, checking every frozen value against
    /// its recorded SHA-256. Nothing is changed unless all checks pass.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The file is malformed or a frozen value fails its fingerprint.</exception>
    /// <exception cref="InvalidOperationException">Names or shapes mismatch under policy Error, or the optimizer kind differs.</exception>
    public static RestoreReport Restore(string path, IEnumerable<Variable> variables, RestoreOptions? options = null)
        => Restore(path, variables, options, null);

    private static RestoreReport Restore(string path, IEnumerable<Variable> variables, RestoreOptions? options, Dictionary<string, Rng>? layerRngs)
    {
        ArgumentNullException.ThrowIfNull(variables);
        options ??= new RestoreOptions();
        var file = Safetensors.Open(path);
        var records = ReadRecords(path, file);
        var model = variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var mapped = new Dictionary<string, string>(StringComparer.Ordinal); // model name → checkpoint name
        var unexpected = new List<string>();
        foreach (var name in file.Entries.Keys.Where(n => !n.StartsWith("__", StringComparison.Ordinal)))
        {
            string? target = options.MapName is null ? name : options.MapName(name);
            if (target is null)
            {
                continue;
            }

            if (model.ContainsKey(target))
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
            problems.Add($"missing from the checkpoint: {string.Join(", ", missing)}");
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
        var loads = new List<(Variable Var, float[] Values, float[]? Mask, bool? Trainable)>();
        foreach (var (modelName, ckptName) in mapped)
        {
            var v = model[modelName];
            if (!file.Entries[ckptName].Shape.SequenceEqual(v.Shape.ToArray()))
            {
                continue;
            }

            var values = file.ReadFloats(ckptName);
            records.TryGetValue(ckptName, out var rec);
            float[]? mask = rec?.Mask is { } maskName ? ReadMask(path, file, maskName, ckptName, v.Shape) : null;
            if (rec?.Sha256 is { } expectedHash)
            {
                var probe = new Variable(ckptName, Tensor.Wrap(values, v.Shape.ToArray()));
                if (mask is not null)
                {
                    probe.SetFreezeMask(Tensor.Wrap(mask, v.Shape.ToArray()));
                }

                string actual = Convert.ToHexStringLower(FreezePlan.Fingerprint(probe, masked: rec.Trainable && mask is not null));
                if (actual != expectedHash)
                {
                    throw new SafetensorsFormatException(path, $"frozen variable '{ckptName}' does not match its recorded SHA-256: the file is corrupt or was edited.");
                }
            }

            loads.Add((v, values, mask, rec?.Trainable));
        }

        var optimizerState = options.Optimizer is { } optimizer ? ReadOptimizer(path, file, optimizer, model, options.MapName) : null;
        var rngStates = new List<(Rng Rng, RngState State)>();
        if (options.Rngs is { } rngs)
        {
            rngStates.AddRange(ReadRngs(path, file, rngs, required: true));
        }

        if (layerRngs is { Count: > 0 } && file.Metadata.ContainsKey("frost.rng"))
        {
            rngStates.AddRange(ReadRngs(path, file, layerRngs, required: false));
        }

        // Everything is verified: apply.
        foreach (var (v, values, mask, trainable) in loads)
        {
            values.CopyTo(v.Value.AsSpan());
            if (options.RestoreFreezeState && trainable is bool t)
            {
                if (v.Kind == VariableKind.Parameter)
                {
                    v.Trainable = t;
                }

                v.SetFreezeMask(mask is null ? null : Tensor.Wrap(mask, v.Shape.ToArray()));
            }
        }

        // Restored values are legitimate: fixed ones are fingerprinted again.
        foreach (var (v, _, _, _) in loads)
        {
            v.Refingerprint();
        }

        if (optimizerState is { } st)
        {
            options.Optimizer!.RestoreState(st.Iterations, st.States.Where(x => x.Variable.Trainable), st.Transitions);
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
            loads.Where(l => !l.Var.Trainable).Select(l => l.Var.Name).ToList(),
            file.Metadata);
    }

    private sealed record Record(bool Trainable, string? Mask, string? Sha256);

    private static Dictionary<string, Record> ReadRecords(string path, Safetensors file)
    {
        var result = new Dictionary<string, Record>(StringComparer.Ordinal);
        if (!file.Metadata.TryGetValue("frost.variables", out var json))
        {
            return result;
        }

        try
        {
            foreach (var node in JsonNode.Parse(json)!.AsArray())
            {
                var o = node!.AsObject();
                result[(string)o["name"]!] = new Record((bool)o["trainable"]!, (string?)o["mask"], (string?)o["sha256"]);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or ArgumentException)
        {
            throw new SafetensorsFormatException(path, $"metadata 'frost.variables' is malformed ({e.Message}).");
        }

        return result;
    }

    private static float[] ReadMask(string path, Safetensors file, string maskName, string owner, Shape shape)
    {
        if (!file.Entries.TryGetValue(maskName, out var entry))
        {
            throw new SafetensorsFormatException(path, $"mask tensor '{maskName}' for '{owner}' is missing.");
        }

        if (!entry.Shape.SequenceEqual(shape.ToArray()))
        {
            throw new SafetensorsFormatException(path, $"mask tensor '{maskName}' has shape [{string.Join(", ", entry.Shape)}], but '{owner}' is {shape}.");
        }

        var mask = file.ReadFloats(maskName);
        if (mask.Any(m => m is not (0f or 1f)))
        {
            throw new SafetensorsFormatException(path, $"mask tensor '{maskName}' holds values other than 0 and 1.");
        }

        return mask;
    }

    private sealed record OptimizerState(long Iterations, List<(Variable Variable, long Step, float[][] Slots)> States, List<FreezeTransition> Transitions);

    /// <summary>Reads and checks optimizer state without changing the optimizer.</summary>
    private static OptimizerState ReadOptimizer(string path, Safetensors file, Optimizer opt, Dictionary<string, Variable> model, Func<string, string?>? map)
    {
        if (!file.Metadata.TryGetValue("frost.optimizer", out var json))
        {
            throw new InvalidOperationException($"{path}: the checkpoint holds no optimizer state.");
        }

        string kind;
        string[] slots;
        long iterations;
        var states = new List<(Variable, long, float[][])>();
        var transitions = new List<FreezeTransition>();
        try
        {
            var o = JsonNode.Parse(json)!.AsObject();
            kind = (string)o["kind"]!;
            slots = o["slots"]!.AsArray().Select(n => (string)n!).ToArray();
            iterations = (long)o["iterations"]!;
            if (kind != opt.Kind || !slots.SequenceEqual(opt.StateSlotNames))
            {
                throw new InvalidOperationException(
                    $"{path}: the checkpoint holds {kind} state with buffers [{string.Join(", ", slots)}], but the optimizer is {opt.Kind} with [{string.Join(", ", opt.StateSlotNames)}].");
            }

            foreach (var node in o["variables"]!.AsArray())
            {
                string name = (string)node!["name"]!;
                long step = (long)node["step"]!;
                if (step < 1 || step > iterations)
                {
                    throw new FormatException($"step {step} of '{name}' is outside 1..{iterations}");
                }

                string? target = map is null ? name : map(name);
                if (target is null || !model.TryGetValue(target, out var v))
                {
                    continue;
                }

                var buffers = new float[slots.Length][];
                for (int i = 0; i < slots.Length; i++)
                {
                    string tensor = $"{OptimizerPrefix}{slots[i]}/{name}";
                    if (!file.Entries.TryGetValue(tensor, out var entry) || !entry.Shape.SequenceEqual(v.Shape.ToArray()))
                    {
                        throw new FormatException($"buffer '{tensor}' is missing or not shaped like '{target}' {v.Shape}");
                    }

                    buffers[i] = file.ReadFloats(tensor);
                }

                states.Add((v, step, buffers));
            }

            foreach (var t in o["transitions"]!.AsArray())
            {
                transitions.Add(new FreezeTransition(
                    (long)t!["iteration"]!,
                    t["frozen"]!.AsArray().Select(n => (string)n!).ToList(),
                    t["unfrozen"]!.AsArray().Select(n => (string)n!).ToList()));
            }
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException or ArgumentException)
        {
            throw new SafetensorsFormatException(path, $"optimizer state is malformed ({e.Message}).");
        }

        return new OptimizerState(iterations, states, transitions);
    }

    /// <summary>Reads generator states without changing any generator.</summary>
    private static List<(Rng, RngState)> ReadRngs(string path, Safetensors file, IReadOnlyDictionary<string, Rng> rngs, bool required)
    {
        if (!file.Metadata.TryGetValue("frost.rng", out var json))
        {
            throw new InvalidOperationException($"{path}: the checkpoint holds no generator state.");
        }

        var result = new List<(Rng, RngState)>();
        try
        {
            var o = JsonNode.Parse(json)!.AsObject();
            foreach (var (name, rng) in rngs)
            {
                var node = o[name];
                if (node is null)
                {
                    if (required)
                    {
                        throw new KeyNotFoundException($"no state for generator '{name}'");
                    }

                    continue;
                }

                var a = node.AsArray();
                ulong U(int i) => ulong.Parse((string)a[i]!, CultureInfo.InvariantCulture);
                var state = new RngState(U(0), U(1), U(2), U(3), BitConverter.Int32BitsToSingle(int.Parse((string)a[4]!, CultureInfo.InvariantCulture)), (string)a[5]! == "1");
                if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
                {
                    throw new FormatException($"generator '{name}' has an all-zero state");
                }

                result.Add((rng, state));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or ArgumentException or OverflowException or KeyNotFoundException)
        {
            throw new SafetensorsFormatException(path, $"generator state is malformed ({e.Message}).");
        }

        return result;
    }
}
