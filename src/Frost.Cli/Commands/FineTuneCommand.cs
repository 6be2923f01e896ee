using System.CommandLine;

namespace Frost.Cli.Commands;

/// <summary><c>frost finetune</c>: the demo's pipeline with every choice as an option.</summary>
internal static class FineTuneCommand
{
    public static Command Create()
    {
        var d = new FineTuneSettings();
        var data = new Option<string?>("--data")
        {
            Description = "Image folder (DIR/<class>/*.jpg, or DIR/train and DIR/val) or IDX folder ({train,test}-{images,labels}.idx[.gz], optional classes.txt); default: the shipped Fashion-MNIST subset.",
        };
        var noAugment = new Option<bool>("--no-augment") { Description = "Image folders: train on un-augmented images (no random crop or flip), which lets the frozen prefix be cached." };
        var jitter = new Option<double>("--color-jitter") { Description = "Image folders: brightness, contrast and saturation jitter of augmented training images, 0..1 (default 0: off)." };
        var badImages = new Option<string>("--bad-images") { Description = "Image folders: 'fail' on the first unreadable image (default) or 'skip' such files, listing them.", DefaultValueFactory = _ => "fail" };
        var size = new Option<int>("--size") { Description = "Image side length fed to the network.", DefaultValueFactory = _ => d.InputSize };
        var trainCount = new Option<int>("--train-count") { Description = "Training images to use (image folders: all unless given; then a seeded sample).", DefaultValueFactory = _ => d.TrainCount };
        var testCount = new Option<int>("--test-count") { Description = "Test images to use (image folders: validation images, all unless given).", DefaultValueFactory = _ => d.TestCount };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training images.", DefaultValueFactory = _ => d.Epochs };
        var batch = new Option<int>("--batch-size") { Description = "Images per update.", DefaultValueFactory = _ => d.BatchSize };
        var lr = new Option<float>("--lr") { Description = "AdamW learning rate of the trained backbone layers, or of the adapters with --lora (--model minilm: 2e-4, with --lora 1e-3).", DefaultValueFactory = _ => d.LearningRate };
        var headLr = new Option<float>("--head-lr") { Description = "Learning rate of the new head.", DefaultValueFactory = _ => d.HeadLearningRate };
        var train = new Option<string[]>("--train")
        {
            Description = "Globs of the variables to train; everything else is frozen. Each must match (e.g. 'stage4/**' 'head/**').",
            DefaultValueFactory = _ => d.Train,
            AllowMultipleArgumentsPerToken = true,
        };
        var trainBn = new Option<bool>("--train-bn") { Description = "Keep every batch-norm layer training while the rest is frozen." };
        var noCache = new Option<bool>("--no-cache") { Description = "Recompute the frozen prefix every epoch instead of caching its outputs." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the head, shuffling and dropout.", DefaultValueFactory = _ => d.Seed };
        var output = new Option<string>("--out") { Description = "Folder for the checkpoint, metrics, plot and ONNX export.", DefaultValueFactory = _ => Path.Combine("runs", "finetune") };
        var resume = new Option<bool>("--resume") { Description = "Continue the run saved in --out (same options) where it stopped." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a run already in --out." };
        var earlyStop = new Option<int>("--early-stop") { Description = "Stop after this many epochs without a better validation loss." };
        var unfreeze = new Option<string?>("--unfreeze-schedule")
        {
            Description = "'head-first:E': only the last --train group (the head) for E epochs, then all groups; 'gradual:E': one more --train group from the top every E epochs.",
        };
        var spread = new Option<float>("--lr-spread") { Description = "Discriminative rates: the group below the head gets --lr, each lower --train group --lr divided by this factor once more (e.g. 2.6)." };
        var accumulate = new Option<int>("--accumulate") { Description = "Micro-batches of --batch-size whose gradients make one update.", DefaultValueFactory = _ => 1 };
        var valSplit = new Option<double>("--val-split")
        {
            Description = "Fraction of the training images held out for validation (seeded, per class); IDX: the test split is then evaluated once at the end; image folders without val/ or test/: default 0.2.",
        };
        var distributed = new Option<bool>("--distributed") { Description = "Train data-parallel across the processes of an MPI job (mpirun -np N frost finetune ... --distributed); --batch-size is per process; rank 0 writes the outputs." };
        var lora = LoraRun.RankOption();
        var loraTargets = LoraRun.TargetsOption(d.LoraTargets);
        var cmd = new Command("finetune", "Fine-tune the pretrained ResNet18 with a new head, training only what --train selects.")
        {
            data, size, trainCount, testCount, epochs, batch, lr, headLr, train, trainBn, noCache, seed, output, resume, overwrite, earlyStop, unfreeze, spread, accumulate, valSplit, distributed, lora, loraTargets,
            noAugment, jitter, badImages,
        };
        var text = new TextFineTuneOptions();
        text.AddTo(cmd);
        var shared = new TextFineTuneOptions.SharedOptions(data, epochs, batch, lr, headLr, train, noCache, seed, output, resume, overwrite, earlyStop, accumulate, lora, loraTargets);
        cmd.SetAction(p => CliErrors.Guard(() => text.TryRun(p, shared, size, trainCount, testCount, trainBn, unfreeze, spread, valSplit, distributed) ?? FineTuneJob.Run(new FineTuneSettings
        {
            Data = p.GetValue(data),
            InputSize = p.GetValue(size),
            TrainCount = p.GetValue(trainCount),
            TestCount = p.GetValue(testCount),
            Epochs = p.GetValue(epochs),
            BatchSize = p.GetValue(batch),
            LearningRate = p.GetValue(lr),
            HeadLearningRate = p.GetValue(headLr),
            Train = LoraRun.Train(p, lora, train, d.Train),
            TrainBatchNorm = p.GetValue(trainBn),
            CacheFrozenPrefix = !p.GetValue(noCache),
            Seed = p.GetValue(seed),
            Output = p.GetValue(output)!,
            Resume = p.GetValue(resume),
            Overwrite = p.GetValue(overwrite),
            EarlyStopPatience = p.GetValue(earlyStop),
            UnfreezeSchedule = p.GetValue(unfreeze),
            LearningRateSpread = p.GetValue(spread),
            Accumulate = p.GetValue(accumulate),
            ValidationSplit = p.GetValue(valSplit),
            Distributed = p.GetValue(distributed),
            LoraRank = p.GetValue(lora),
            LoraTargets = p.GetValue(loraTargets) ?? d.LoraTargets,
            Augment = !p.GetValue(noAugment),
            ColorJitter = p.GetValue(jitter),
            BadImages = ImageData.ParseBadImages(p.GetValue(badImages)!),
            FolderTrainCount = p.GetResult(trainCount) is { Implicit: false } ? p.GetValue(trainCount) : null,
            FolderTestCount = p.GetResult(testCount) is { Implicit: false } ? p.GetValue(testCount) : null,
        })));
        return cmd;
    }
}
