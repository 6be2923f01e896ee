using System.CommandLine;
using System.Diagnostics;
using Frost.Data;
using Frost.Layers;
using Frost.Optimizers;
using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>Trains a small CNN from scratch on the shipped Fashion-MNIST subset.</summary>
internal static class CnnCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 6 };
        var width = new Option<int>("--width") { Description = "Channels of the first convolution (the second has twice as many).", DefaultValueFactory = _ => 32 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialisation, shuffling and dropout.", DefaultValueFactory = _ => 1UL };
        var data = new Option<string?>("--data") { Description = "Folder with {train,test}-{images,labels}.idx[.gz] (default: the shipped subset)." };
        var cmd = new Command("cnn", "Train a small CNN (two conv/batch-norm/pool blocks and a dense head) from scratch and report test accuracy.")
        {
            epochs, width, seed, data,
        };
        cmd.SetAction(p => Run(p.GetValue(epochs), p.GetValue(width), p.GetValue(seed), p.GetValue(data)));
        return cmd;
    }

    private static int Run(int epochs, int width, ulong seed, string? data) => CliErrors.Guard(() =>
    {
        OptionRules.Range("--epochs", epochs, 1, 10_000);
        OptionRules.Range("--width", width, 1, 1024);
        OptionRules.DataFolder("--data", data);

        var total = Stopwatch.StartNew();
        string folder = data ?? DataPaths.FashionMnistSmall;
        var train = CliData.Load(folder, "train", int.MaxValue, "a smaller --data set");
        var test = CliData.Load(folder, "test", int.MaxValue, "a smaller --data set");
        var rng = new Rng(seed);
        var model = SimpleCnn.Build(1, train.Images.Shape[2], train.ClassNames.Count, rng, width);
        var opt = new AdamW(3e-3f, weightDecay: 1e-4f);
        var learner = new Learner(model, InMemoryDataset.From(train), opt, InMemoryDataset.From(test)) { BatchSize = 64, Seed = seed };
        opt.Schedule = new OneCycle(epochs * learner.StepsPerEpoch, 0.25f);
        AnsiConsole.MarkupLine($"Small CNN on {train.Count} train / {test.Count} test images: {model.TrainableVariables.ElementCount:N0} parameters, AdamW one-cycle, {epochs} epochs");
        var (result, _) = TrainingOutput.Fit(learner, epochs);
        TrainingOutput.PrintEpochs(result.Epochs);
        AnsiConsole.MarkupLine($"[bold]Test accuracy: {result.Epochs[^1].Validation!.Accuracy:P2}[/] (inference mode) in {total.Elapsed.TotalSeconds:F1}s");
        return 0;
    });
}
