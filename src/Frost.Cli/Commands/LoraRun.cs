using System.CommandLine;
using Frost.Adapters;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.Optimizers;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>
/// <c>--lora RANK [--lora-targets GLOB…]</c> for the fine-tuning jobs: the options, the injection (adapters with alpha =
/// 2·rank, the base frozen, the kept part trainable), the recipe in the checkpoint's metadata so that eval and export
/// rebuild the adapters, and the adapter file next to the checkpoint.
/// </summary>
internal static class LoraRun
{
    /// <summary>The checkpoint metadata key holding the LoRA recipe (JSON).</summary>
    public const string MetadataKey = "lora";

    /// <summary>The adapter file a LoRA run writes next to its checkpoint.</summary>
    public const string AdapterFile = "adapter.safetensors";

    /// <summary>The largest rank accepted.</summary>
    public const int MaxRank = 4096;

    /// <summary>Default targets for a BERT encoder: the query and value projections of every layer.</summary>
    public static readonly string[] AttentionTargets = ["**/attention/query/**", "**/attention/value/**"];

    /// <summary>What trains next to the adapters when --train is not given: the new head.</summary>
    public static readonly string[] KeptByDefault = ["head/**"];

    /// <summary>The dropout on the adapters' inputs while training.</summary>
    public const float Dropout = 0.05f;

    /// <summary><c>--lora RANK</c>: 0 (the default) trains without adapters.</summary>
    public static Option<int> RankOption() => new("--lora")
    {
        Description = "Train LoRA adapters of this rank (alpha = 2·rank) on --lora-targets instead of the weights themselves; the base stays frozen and --train (default: the head) stays trainable.",
    };

    /// <summary><c>--lora-targets GLOB…</c>, each glob over variable names; their layers get adapters.</summary>
    public static Option<string[]> TargetsOption(params string[] defaults) => new("--lora-targets")
    {
        Description = $"Globs of the variables whose Dense or Conv2D layers get adapters (default: {Quoted(defaults)}; with --model minilm: {Quoted(AttentionTargets)}).",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => defaults,
    };

    /// <summary>The --train globs of a LoRA run: those given, else <see cref="KeptByDefault"/>; without --lora, those given or <paramref name="defaults"/>.</summary>
    public static string[] Train(ParseResult p, Option<int> rank, Option<string[]> train, string[] defaults)
        => p.GetResult(train) is { Implicit: false } ? p.GetValue(train) ?? defaults : p.GetValue(rank) > 0 ? KeptByDefault : defaults;

    /// <summary>Checks the options before anything is loaded.</summary>
    public static void Validate(int rank, IReadOnlyList<string> targets)
    {
        OptionRules.Range("--lora", rank, 0, MaxRank);
        if (rank > 0 && (targets.Count == 0 || targets.Any(string.IsNullOrWhiteSpace)))
        {
            throw new UsageException("--lora-targets needs at least one non-empty glob (e.g. 'stage4/**/conv*/weight').");
        }
    }

    /// <summary>
    /// Attaches adapters of <paramref name="rank"/> to the layers whose variables <paramref name="targets"/> select,
    /// freezes everything but the adapters and <paramref name="keep"/>, and prints the split. Record the injection's
    /// recipe in the learner's checkpoint metadata under <see cref="MetadataKey"/> so eval and export can rebuild the model.
    /// </summary>
    public static LoraInjection Inject(Layer model, int rank, IReadOnlyList<string> targets, Selector keep, Optimizer optimizer, ulong seed)
    {
        var selector = targets.Select(Selector.Glob).Aggregate((a, b) => a | b);
        var lora = Lora.Inject(model, selector, rank, alpha: 2f * rank, Dropout, keep, new Rng(seed ^ 0x10a), optimizer);
        AnsiConsole.Write(new Panel(Markup.Escape(lora.ToString())).Header("LoRA").Expand());
        return lora;
    }

    /// <summary>
    /// Refuses to resume <paramref name="ckpt"/> with another --lora than it was trained with (adapters or none, and
    /// the rank); other targets or kept variables are refused when the checkpoint is restored, naming the variables.
    /// </summary>
    /// <exception cref="UsageException">The rank differs; the message names the checkpoint and the option to pass.</exception>
    /// <exception cref="FormatException">The recorded recipe is malformed; the message names the file.</exception>
    public static void CheckResumable(string ckpt, int rank)
    {
        string? json;
        using (CliErrors.Doing($"reading {ckpt}"))
        {
            using var file = Safetensors.Open(ckpt);
            file.Metadata.TryGetValue(MetadataKey, out json);
        }

        int trained = 0;
        if (json is not null)
        {
            try
            {
                trained = LoraRecipe.FromJson(json).Rank;
            }
            catch (FormatException e)
            {
                throw new FormatException($"{ckpt}: metadata '{MetadataKey}': {e.Message}", e);
            }
        }

        if (trained == rank)
        {
            return;
        }

        string how = trained == 0 ? "without adapters" : $"with --lora {trained}";
        string fix = trained == 0 ? "drop --lora" : $"pass --lora {trained}";
        throw new UsageException(rank == 0
            ? $"finetune: {ckpt} was trained with --lora {trained}; pass --lora {trained} to resume it or --overwrite to start over."
            : $"finetune: --lora {rank} does not match {ckpt}, trained {how}; {fix} to resume it or pass --overwrite to start over.");
    }

    /// <summary>
    /// When a checkpoint was written by a LoRA run, injects the same adapters into <paramref name="model"/> (before the
    /// checkpoint is restored into it); returns whether it did.
    /// </summary>
    /// <exception cref="FormatException">The recorded recipe is malformed; the message names the file.</exception>
    public static bool Reattach(Safetensors file, Layer model)
    {
        if (!file.Metadata.TryGetValue(MetadataKey, out var json))
        {
            return false;
        }

        LoraRecipe recipe;
        try
        {
            recipe = LoraRecipe.FromJson(json);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{file.FilePath}: metadata '{MetadataKey}': {e.Message}", e);
        }

        Lora.Inject(model, recipe);
        return true;
    }

    /// <summary>Writes the adapter file of a finished LoRA run into <paramref name="folder"/> and prints what the frozen check found about the adapters.</summary>
    private static void WriteAdapter(LoraInjection lora, OutputFolder output, string folder)
    {
        string adapter = Path.Combine(folder, AdapterFile);
        output.Write(adapter, () => lora.Save(adapter));
        var check = lora.VerifyFrozen();
        if (check.InertAdapters.Count > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]LoRA adapters still zero (B = 0):[/] {Markup.Escape(string.Join(", ", check.InertAdapters))}");
        }

        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(adapter)} ({new FileInfo(adapter).Length / 1024.0:F0} KiB: adapters and kept variables, bound to the base's SHA-256).");
    }

    /// <summary>
    /// Writes a finished run's exports: with adapters, the adapter file into <paramref name="folder"/>, then
    /// <paramref name="export"/> (the ONNX export) with the adapters merged into the base weights, so it is made of
    /// plain layers, unmerging them afterwards (bit for bit); without adapters, just the export.
    /// </summary>
    public static void WriteExports(LoraInjection? lora, OutputFolder output, string folder, Action export)
    {
        if (lora is null)
        {
            export();
            return;
        }

        WriteAdapter(lora, output, folder);
        Lora.Merge(lora.Model);
        try
        {
            export();
        }
        finally
        {
            Lora.Unmerge(lora.Model);
        }
    }

    private static string Quoted(string[] globs) => string.Join(" ", globs.Select(g => $"'{g}'"));
}
