using System.CommandLine;
using System.Diagnostics;
using Frost.Data;
using Frost.Layers;
using Frost.Optimizers;
using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>Trains a two-layer perceptron on the shipped Fashion-MNIST subset.</summary>
internal static class MlpCommand
{
    public sealed record Settings(int Epochs = 8, int BatchSize = 64, float LearningRate = 1e-3f, int Hidden = 256, ulong Seed = 1, string? Data = null);

    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 8 };
        var batch = new Option<int>("--batch-size") { Description = "Examples per update.", DefaultValueFactory = _ => 64 };
        var lr = new Option<float>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3f };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units.", DefaultValueFactory = _ => 256 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialisation and shuffling.", DefaultValueFactory = _ => 1UL };
        var data = new Option<string?>("--data") { Description = "Folder with {train,test}-{images,labels}.idx[.gz] (default: the shipped subset)." };
        var cmd = new Command("mlp", "Train a two-layer perceptron (784-hidden-10) on Fashion-MNIST and report test accuracy.")
        {
            epochs, batch, lr, hidden, seed, data,
        };
        cmd.SetAction(p => Run(new Settings(p.GetValue(epochs), p.GetValue(batch), p.GetValue(lr), p.GetValue(hidden), p.GetValue(seed), p.GetValue(data))));
        return cmd;
    }

    public static int Run(Settings s) => CliErrors.Guard(() =>
    {
        OptionRules.Range("--epochs", s.Epochs, 1, 10_000);
        OptionRules.Range("--batch-size", s.BatchSize, 1, 65_536);
        OptionRules.Range("--hidden", s.Hidden, 1, 65_536);
        OptionRules.LearningRate("--lr", s.LearningRate);
        OptionRules.DataFolder("--data", s.Data);

        var total = Stopwatch.StartNew();
        string folder = s.Data ?? DataPaths.FashionMnistSmall;
        var train = CliData.Load(folder, "train", int.MaxValue, "a smaller --data set");
        var test = CliData.Load(folder, "test", int.MaxValue, "a smaller --data set");
        AnsiConsole.MarkupLine($"[bold]Fashion-MNIST[/] from {Markup.Escape(folder)}: {train.Count} train, {test.Count} test images");

        var rng = new Rng(s.Seed);
        int inputs = train.Images.Size / train.Count;
        var hiddenLayer = new Dense(inputs, s.Hidden, rng, name: "hidden");
        hiddenLayer.Weight.Value.CopyFrom(Initializers.HeNormal(hiddenLayer.Weight.Shape, rng));
        var model = new Sequential(new Flatten(), hiddenLayer, new Relu(), new Dense(s.Hidden, train.ClassNames.Count, rng, name: "output"));
        AnsiConsole.MarkupLine($"Model: {inputs}-{s.Hidden}-{train.ClassNames.Count}, {model.TrainableVariables.ElementCount:N0} trainable parameters; Adam lr {s.LearningRate} with cosine decay");
        var adam = new Adam(s.LearningRate);
        var learner = new Learner(model, InMemoryDataset.From(train), adam, InMemoryDataset.From(test)) { BatchSize = s.BatchSize, Seed = s.Seed };
        adam.Schedule = new CosineDecay(s.Epochs * learner.StepsPerEpoch);
        var (result, _) = TrainingOutput.Fit(learner, s.Epochs);

        TrainingOutput.PrintEpochs(result.Epochs);
        AnsiConsole.MarkupLine($"[bold]Test accuracy: {result.Epochs[^1].Validation!.Accuracy:P2}[/] (inference mode) in {total.Elapsed.TotalSeconds:F1}s");
        return 0;
    });
}
