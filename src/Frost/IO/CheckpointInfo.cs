using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Frost.IO;

/// <summary>
/// The Frost metadata of a safetensors file, read and checked from its header: every record Frost always
/// writes must be present and consistent with the tensors, or the file is reported as damaged.
/// </summary>
/// <remarks>
/// A file with no <c>frost.</c> metadata at all is a plain safetensors file written by another tool
/// (<see cref="IsFrostCheckpoint"/> is false); one with some Frost metadata but not all of it is damaged.
/// Reading the header checks structure only; <see cref="Checkpoint.Verify(string)"/> also checks the frozen
/// values against their fingerprints.
/// </remarks>
public sealed class CheckpointInfo
{
    /// <summary>The <c>frost.format</c> this version writes; it also reads format 1 (written before the header digest).</summary>
    public const int FormatVersion = 2;

    internal const string MaskPrefix = "__mask__/";
    internal const string OptimizerPrefix = "__optimizer__/";
    internal const string FormatKey = "frost.format";
    /// <summary>The metadata key of the per-variable records (name, kind, trainable flag, mask, sha256).</summary>
    public const string VariablesKey = "frost.variables";
    internal const string PlanKey = "frost.freeze_plan";
    internal const string OptimizerKey = "frost.optimizer";
    internal const string RngKey = "frost.rng";
    internal const string PartialKey = "frost.partial";
    internal const string HeaderDigestKey = "frost.header_sha256";
    internal const string AdapterKey = "frost.adapter";

    /// <summary>Every <c>frost.</c> metadata key this version knows; any other one makes a file damaged.</summary>
    private static readonly string[] s_knownKeys = [FormatKey, VariablesKey, PlanKey, OptimizerKey, RngKey, PartialKey, HeaderDigestKey, AdapterKey];

    private CheckpointInfo(
        bool isFrost,
        bool isPartial,
        IReadOnlyList<CheckpointVariable> variables,
        IReadOnlyList<string> plan,
        OptimizerRecord? optimizer,
        IReadOnlyDictionary<string, RngState>? rngs)
    {
        IsFrostCheckpoint = isFrost;
        IsPartial = isPartial;
        Variables = variables;
        FreezePlan = plan;
        Optimizer = optimizer;
        Rngs = rngs;
        ByName = variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
    }

    /// <summary>Whether the file carries Frost's metadata (false for a plain safetensors file from another tool).</summary>
    public bool IsFrostCheckpoint { get; }

    /// <summary>Whether the checkpoint was saved from an explicit subset of a model's variables.</summary>
    public bool IsPartial { get; }

    /// <summary>The recorded variables, in file order (empty for a plain safetensors file).</summary>
    public IReadOnlyList<CheckpointVariable> Variables { get; }

    /// <summary>The freeze plan's steps as recorded (empty when none was saved).</summary>
    public IReadOnlyList<string> FreezePlan { get; }

    /// <summary>Whether optimizer state was saved.</summary>
    public bool HasOptimizerState => Optimizer is not null;

    /// <summary>Whether generator states were saved.</summary>
    public bool HasGeneratorState => Rngs is not null;

    internal OptimizerRecord? Optimizer { get; }

    internal IReadOnlyDictionary<string, RngState>? Rngs { get; }

    internal IReadOnlyDictionary<string, CheckpointVariable> ByName { get; }

    /// <summary>Reads and checks the Frost metadata of an open file.</summary>
    /// <exception cref="SafetensorsFormatException">The file is a damaged Frost checkpoint; the message names the variable or key.</exception>
    public static CheckpointInfo Read(Safetensors file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var meta = file.Metadata;
        var frostKeys = meta.Keys.Where(k => k.StartsWith("frost.", StringComparison.Ordinal)).ToList();
        if (frostKeys.Count == 0)
        {
            return new CheckpointInfo(false, false, [], [], null, null);
        }

        var damaged = (string problem) => new SafetensorsFormatException(file.FilePath, "damaged Frost checkpoint: " + problem);
        foreach (var k in frostKeys.Where(k => !s_knownKeys.Contains(k)).Order(StringComparer.Ordinal))
        {
            throw damaged($"unknown reserved metadata key '{k}'.");
        }

        foreach (string required in new[] { FormatKey, VariablesKey })
        {
            if (!meta.ContainsKey(required))
            {
                throw damaged($"metadata key '{required}' is missing.");
            }
        }

        string format = meta[FormatKey];
        if (format is not ("1" or "2"))
        {
            throw int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > FormatVersion
                ? new SafetensorsFormatException(file.FilePath, $"Frost checkpoint format {v} is newer than this version reads (formats 1 and {FormatVersion}).")
                : damaged($"'{FormatKey}' is '{format}', not a known format (this version reads 1 and {FormatVersion}).");
        }

        // Format 2 fingerprints the metadata and the tensor table; format 1 had no such digest.
        bool digested = format != "1";
        if (meta.TryGetValue(HeaderDigestKey, out var digest) != digested)
        {
            throw damaged(digested ? $"metadata key '{HeaderDigestKey}' is missing." : $"format 1 has no '{HeaderDigestKey}'.");
        }

        if (!meta.TryGetValue("format", out var pt) || pt != "pt")
        {
            throw damaged("metadata key 'format' is missing or not 'pt'.");
        }

        bool partial = false;
        if (meta.TryGetValue(PartialKey, out var partialText))
        {
            partial = partialText == "true" ? true : throw damaged($"'{PartialKey}' is '{partialText}', expected 'true'.");
        }

        var records = CheckpointJson.Read(meta[VariablesKey], CheckpointJson.Default.VariableRecordArray, out var error)
            ?? throw damaged($"'{VariablesKey}' is malformed ({error}).");
        var variables = ReadVariables(file, records, damaged);
        var byName = variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var referenced = new HashSet<string>(variables.Where(v => v.MaskTensor is not null).Select(v => v.MaskTensor!), StringComparer.Ordinal);

        OptimizerRecord? optimizer = null;
        if (meta.TryGetValue(OptimizerKey, out var optimizerJson))
        {
            optimizer = CheckpointJson.Read(optimizerJson, CheckpointJson.Default.OptimizerRecord, out error)
                ?? throw damaged($"'{OptimizerKey}' is malformed ({error}).");
            CheckOptimizer(file, optimizer, byName, referenced, damaged);
        }

        Dictionary<string, RngState>? rngs = null;
        if (meta.TryGetValue(RngKey, out var rngJson))
        {
            var raw = CheckpointJson.Read(rngJson, CheckpointJson.Default.DictionaryStringStringArray, out error)
                ?? throw damaged($"'{RngKey}' is malformed ({error}).");
            rngs = ReadRngs(raw, damaged);
        }

        string[] plan = [];
        if (meta.TryGetValue(PlanKey, out var planJson))
        {
            plan = CheckpointJson.Read(planJson, CheckpointJson.Default.StringArray, out error)
                ?? throw damaged($"'{PlanKey}' is malformed ({error}).");
            foreach (var step in plan)
            {
                if (step is null || !(step.StartsWith("freeze ", StringComparison.Ordinal) || step.StartsWith("unfreeze ", StringComparison.Ordinal)))
                {
                    throw damaged($"'{PlanKey}' holds a step that is not 'freeze …' or 'unfreeze …'.");
                }
            }
        }

        foreach (var e in file.Entries.Values.OrderBy(e => e.Begin))
        {
            if (e.Name.StartsWith("__", StringComparison.Ordinal))
            {
                if (!referenced.Contains(e.Name))
                {
                    throw damaged($"tensor '{e.Name}' is reserved but no record refers to it.");
                }
            }
            else if (!byName.ContainsKey(e.Name))
            {
                throw damaged($"tensor '{e.Name}' has no record in '{VariablesKey}'.");
            }
        }

        if (digested && digest != HeaderDigest(meta, file.Entries.Values))
        {
            throw damaged($"the metadata or tensor table does not match '{HeaderDigestKey}': the header was edited.");
        }

        return new CheckpointInfo(true, partial, variables, plan, optimizer, rngs);
    }

    /// <summary>
    /// Hex SHA-256 of every metadata entry but the digest itself (by key, ordinal order) and of the tensor table
    /// (name, dtype, shape, offsets, in data order), each field length-prefixed.
    /// </summary>
    internal static string HeaderDigest(IReadOnlyDictionary<string, string> metadata, IEnumerable<SafetensorsEntry> entries)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var number = new byte[8];
        void Long(long v)
        {
            BinaryPrimitives.WriteInt64LittleEndian(number, v);
            h.AppendData(number);
        }

        void Text(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            Long(bytes.Length);
            h.AppendData(bytes);
        }

        foreach (var (k, v) in metadata.Where(m => m.Key != HeaderDigestKey).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Text("m");
            Text(k);
            Text(v);
        }

        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            Text("t");
            Text(e.Name);
            Text(e.DType);
            Long(e.Shape.Length);
            foreach (int d in e.Shape)
            {
                Long(d);
            }

            Long(e.Begin);
            Long(e.End);
        }

        return Convert.ToHexStringLower(h.GetHashAndReset());
    }

    private static List<CheckpointVariable> ReadVariables(Safetensors file, VariableRecord[] records, Func<string, Exception> damaged)
    {
        var result = new List<CheckpointVariable>(records.Length);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r is null)
            {
                throw damaged($"'{VariablesKey}' holds a null record.");
            }

            if (r.Name.Length == 0 || r.Name.StartsWith("__", StringComparison.Ordinal))
            {
                throw damaged($"'{VariablesKey}' holds the invalid variable name '{r.Name}'.");
            }

            if (!seen.Add(r.Name))
            {
                throw damaged($"variable '{r.Name}' is recorded twice.");
            }

            var kind = r.Kind switch
            {
                "parameter" => VariableKind.Parameter,
                "state" => VariableKind.State,
                _ => throw damaged($"variable '{r.Name}' has the unknown kind '{r.Kind}'."),
            };
            if (kind == VariableKind.State && r.Trainable)
            {
                throw damaged($"state variable '{r.Name}' is marked trainable.");
            }

            if (!file.Entries.TryGetValue(r.Name, out var entry))
            {
                throw damaged($"variable '{r.Name}' is recorded but its tensor is missing.");
            }

            if (entry.DType != "F32")
            {
                throw damaged($"variable '{r.Name}' is stored as {entry.DType}; Frost writes F32.");
            }

            if (r.Mask is { } mask)
            {
                if (mask != MaskPrefix + r.Name)
                {
                    throw damaged($"variable '{r.Name}' names the mask tensor '{mask}', expected '{MaskPrefix}{r.Name}'.");
                }

                if (!file.Entries.TryGetValue(mask, out var m))
                {
                    throw damaged($"mask tensor '{mask}' of variable '{r.Name}' is missing.");
                }

                if (m.DType != "U8" || !m.Shape.SequenceEqual(entry.Shape))
                {
                    throw damaged($"mask tensor '{mask}' is {m.DType} [{string.Join(", ", m.Shape)}], expected U8 [{string.Join(", ", entry.Shape)}].");
                }
            }

            // Frost fingerprints every value that must not change: frozen parameters, state, and masked elements.
            bool fingerprinted = !r.Trainable || r.Mask is not null;
            if (fingerprinted && r.Sha256 is null)
            {
                string what = kind == VariableKind.State ? "state variable" : r.Trainable ? "masked trainable variable" : "frozen variable";
                throw damaged($"{what} '{r.Name}' has no sha256.");
            }

            if (!fingerprinted && r.Sha256 is not null)
            {
                throw damaged($"trainable variable '{r.Name}' has a sha256, which Frost records only for frozen values.");
            }

            if (r.Sha256 is { } hash && (hash.Length != 64 || !hash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')))
            {
                throw damaged($"sha256 of variable '{r.Name}' is not 64 lowercase hex digits.");
            }

            result.Add(new CheckpointVariable(r.Name, kind, r.Trainable, r.Mask, r.Sha256));
        }

        return result;
    }

    private static void CheckOptimizer(Safetensors file, OptimizerRecord o, Dictionary<string, CheckpointVariable> variables, HashSet<string> referenced, Func<string, Exception> damaged)
    {
        if (o.Kind.Length == 0 || o.Iterations < 0)
        {
            throw damaged($"'{OptimizerKey}' has an empty kind or negative iterations.");
        }

        var slots = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in o.Slots)
        {
            if (s is null || s.Length == 0 || s.Contains('/', StringComparison.Ordinal) || !slots.Add(s))
            {
                throw damaged($"'{OptimizerKey}' has an empty, repeated or invalid buffer name.");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in o.Variables)
        {
            if (v is null || !variables.TryGetValue(v.Name, out var rec))
            {
                throw damaged($"'{OptimizerKey}' holds state for '{v?.Name}', which is not a recorded variable.");
            }

            if (!seen.Add(v.Name) || !rec.Trainable)
            {
                throw damaged($"'{OptimizerKey}' holds state for '{v.Name}' twice or for a frozen variable.");
            }

            if (v.Step < 1 || v.Step > o.Iterations)
            {
                throw damaged($"'{OptimizerKey}': step {v.Step} of '{v.Name}' is outside 1..{o.Iterations}.");
            }

            var shape = file.Entries[v.Name].Shape;
            foreach (var s in o.Slots)
            {
                string tensor = $"{OptimizerPrefix}{s}/{v.Name}";
                if (!file.Entries.TryGetValue(tensor, out var e) || e.DType != "F32" || !e.Shape.SequenceEqual(shape))
                {
                    throw damaged($"optimizer buffer '{tensor}' is missing or not F32 [{string.Join(", ", shape)}].");
                }

                referenced.Add(tensor);
            }
        }

        long last = 0;
        foreach (var t in o.Transitions)
        {
            if (t is null || t.Iteration < last || t.Iteration > o.Iterations || t.Frozen.Any(n => n is null) || t.Unfrozen.Any(n => n is null))
            {
                throw damaged($"'{OptimizerKey}' has a malformed freeze transition.");
            }

            last = t.Iteration;
        }
    }

    private static Dictionary<string, RngState> ReadRngs(Dictionary<string, string[]> raw, Func<string, Exception> damaged)
    {
        var result = new Dictionary<string, RngState>(StringComparer.Ordinal);
        foreach (var (name, words) in raw)
        {
            if (words is not { Length: 6 }
                || !TryWord(words[0], out ulong s0) || !TryWord(words[1], out ulong s1) || !TryWord(words[2], out ulong s2) || !TryWord(words[3], out ulong s3)
                || !int.TryParse(words[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int spare)
                || words[5] is not ("0" or "1"))
            {
                throw damaged($"'{RngKey}': the state of generator '{name}' is malformed.");
            }

            if ((s0 | s1 | s2 | s3) == 0)
            {
                throw damaged($"'{RngKey}': generator '{name}' has an all-zero state.");
            }

            result[name] = new RngState(s0, s1, s2, s3, BitConverter.Int32BitsToSingle(spare), words[5] == "1");
        }

        return result;

        static bool TryWord(string? s, out ulong v) => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
    }
}
