using System.CommandLine;

namespace Frost.Cli.Commands;

/// <summary>
/// The options <c>frost finetune</c> adds for text (<c>--model minilm</c>), and the switch to the text job; the
/// options shared with images (epochs, rates, --train, --out …) keep their meaning, with the text job's defaults
/// when not given.
/// </summary>
internal sealed class TextFineTuneOptions
{
    private static readonly TextFineTuneSettings Defaults = new() { Output = Path.Combine("runs", "finetune") };

    public Option<string> Model { get; } = new("--model")
    {
        Description = "The pretrained network: 'resnet18' (images) or 'minilm' (texts: all-MiniLM-L6-v2 with a new head).",
        DefaultValueFactory = _ => "resnet18",
    };

    public Option<string?> Test { get; } = new("--test") { Description = "Texts (--model minilm): the test split, in the form of --data (default: a share of --data, see --test-split)." };

    public Option<double> TestSplit { get; } = new("--test-split")
    {
        Description = "Texts (--model minilm): fraction of each class of --data held out as the test split when no --test is given.",
        DefaultValueFactory = _ => Defaults.TestSplit,
    };

    public Option<int> MaxLength { get; } = new("--max-length")
    {
        Description = "Texts (--model minilm): word pieces per text, [CLS] and [SEP] included.",
        DefaultValueFactory = _ => Defaults.MaxLength,
    };

    public Option<int> Tail { get; } = new("--tail")
    {
        Description = "Texts (--model minilm): pieces kept from the end of a longer text (the rest from its start).",
        DefaultValueFactory = _ => Defaults.TailPieces,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in (Option[])[Model, Test, TestSplit, MaxLength, Tail])
        {
            command.Options.Add(o);
        }
    }

    /// <summary>Runs the text job when --model says so; null for the image job (after refusing text options there).</summary>
    /// <param name="p">The parsed command line.</param>
    /// <param name="shared">The options both jobs read: data, epochs, batch size, lr, head lr, train, no-cache, seed, out, resume, overwrite, early stop, accumulate, lora, lora targets.</param>
    /// <param name="imageOnly">Options that only images take.</param>
    public int? TryRun(ParseResult p, SharedOptions shared, params Option[] imageOnly)
    {
        string model = p.GetValue(Model) ?? "resnet18";
        if (model is not ("resnet18" or "minilm"))
        {
            throw new UsageException($"--model {model} is not 'resnet18' or 'minilm'.");
        }

        if (model == "resnet18")
        {
            foreach (var o in (Option[])[Test, TestSplit, MaxLength, Tail])
            {
                RefuseExplicit(p, o, "--model minilm");
            }

            return null;
        }

        foreach (var o in imageOnly)
        {
            RefuseExplicit(p, o, "--model resnet18");
        }

        // With --lora, the defaults are LoRA's: the adapters' rate for --lr, the head alone for --train, the attention projections as targets.
        bool lora = p.GetValue(shared.Lora) > 0;
        return TextFineTuneJob.Run(new TextFineTuneSettings
        {
            Data = p.GetValue(shared.Data),
            Test = p.GetValue(Test),
            TestSplit = p.GetValue(TestSplit),
            MaxLength = p.GetValue(MaxLength),
            TailPieces = p.GetValue(Tail),
            Epochs = Given(p, shared.Epochs, Defaults.Epochs),
            BatchSize = Given(p, shared.BatchSize, Defaults.BatchSize),
            LearningRate = Given(p, shared.LearningRate, lora ? TextFineTuneSettings.LoraLearningRate : Defaults.LearningRate),
            HeadLearningRate = Given(p, shared.HeadLearningRate, Defaults.HeadLearningRate),
            Train = LoraRun.Train(p, shared.Lora, shared.Train, Defaults.Train),
            CacheFrozenPrefix = !p.GetValue(shared.NoCache),
            Seed = p.GetValue(shared.Seed),
            Output = p.GetValue(shared.Output) ?? Defaults.Output,
            Resume = p.GetValue(shared.Resume),
            Overwrite = p.GetValue(shared.Overwrite),
            EarlyStopPatience = p.GetValue(shared.EarlyStop),
            Accumulate = p.GetValue(shared.Accumulate),
            LoraRank = p.GetValue(shared.Lora),
            LoraTargets = Given(p, shared.LoraTargets, Defaults.LoraTargets) ?? Defaults.LoraTargets,
        });
    }

    private static T Given<T>(ParseResult p, Option<T> option, T fallback)
        => p.GetResult(option) is { Implicit: false } ? p.GetValue(option)! : fallback;

    private static void RefuseExplicit(ParseResult p, Option option, string applies)
    {
        if (p.GetResult(option) is { Implicit: false })
        {
            throw new UsageException($"{option.Name} applies only with {applies}.");
        }
    }

    /// <summary>The <c>finetune</c> options both jobs read.</summary>
    internal sealed record SharedOptions(
        Option<string?> Data,
        Option<int> Epochs,
        Option<int> BatchSize,
        Option<float> LearningRate,
        Option<float> HeadLearningRate,
        Option<string[]> Train,
        Option<bool> NoCache,
        Option<ulong> Seed,
        Option<string> Output,
        Option<bool> Resume,
        Option<bool> Overwrite,
        Option<int> EarlyStop,
        Option<int> Accumulate,
        Option<int> Lora,
        Option<string[]> LoraTargets);
}
