using System.CommandLine;
using System.Diagnostics;
using Frost.Data;
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
        var root = new VariableScope();
        int inputs = train.Images.Size / train.Count;
        var w1 = root.Scope("hidden").Variable("weight", Initializers.HeNormal(new Shape(s.Hidden, inputs), rng));
        var b1 = root.Scope("hidden").Variable("bias", Tensor.Zeros(s.Hidden));
        var w2 = root.Scope("output").Variable("weight", Initializers.GlorotUniform(new Shape(10, s.Hidden), rng));
        var b2 = root.Scope("output").Variable("bias", Tensor.Zeros(10));
        Tensor Forward(Tensor x, bool training)
        {
            var h = Ops.Relu(Ops.Add(Ops.MatMul(Ops.Flatten(x), w1, transposeB: true), b1));
            return Ops.Add(Ops.MatMul(h, w2, transposeB: true), b2);
        }

        AnsiConsole.MarkupLine($"Model: {inputs}-{s.Hidden}-10, {root.TrainableVariables.ElementCount:N0} trainable parameters; Adam lr {s.LearningRate} with cosine decay");
        var adam = new Adam(s.LearningRate) { Schedule = new CosineDecay(s.Epochs * Batches.Count(train.Count, s.BatchSize)) };
        var trainer = new ClassifierTrainer(Forward, adam) { BatchSize = s.BatchSize, Rng = rng.Fork() };
        var results = TrainingOutput.RunEpochs(trainer, train, test, s.Epochs);

        TrainingOutput.PrintEpochs(results);
        AnsiConsole.MarkupLine($"[bold]Test accuracy: {results[^1].TestAccuracy:P2}[/] in {total.Elapsed.TotalSeconds:F1}s");
        return 0;
    });
}
