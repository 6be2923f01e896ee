using System.Collections.Concurrent;
using System.Globalization;
using Frost.Data;
using Frost.Vision;

namespace Frost.Cli.Commands;

/// <summary>
/// The images a command reads from <c>--data</c>: an IDX folder (<c>{train,test}-{images,labels}.idx[.gz]</c>,
/// loaded into memory) or an image folder (<c>DIR/&lt;class&gt;/*.jpg</c>, or <c>DIR/train</c> +
/// <c>DIR/val</c>), streamed through background decoders.
/// </summary>
internal sealed class ImageData
{
    private readonly ConcurrentQueue<string> _warnings = new();

    private ImageData(string folder, string description)
    {
        Folder = folder;
        Description = description;
    }

    /// <summary>The folder read.</summary>
    public string Folder { get; }

    /// <summary>One line: what was read and how it was split.</summary>
    public string Description { get; private set; }

    /// <summary>The training examples (augmented when training, for image folders unless switched off).</summary>
    public IDataset Train { get; private set; } = null!;

    /// <summary>The held-out examples: the IDX test split, or the folder's validation part.</summary>
    public IDataset Test { get; private set; } = null!;

    /// <summary>Class names indexed by label.</summary>
    public IReadOnlyList<string> ClassNames => Train.ClassNames;

    /// <summary>Whether the data came from an image folder (else IDX).</summary>
    public bool IsImageFolder { get; private set; }

    /// <summary>Files left out so far (unreadable images under <c>--bad-images skip</c>, skipped links), one line each.</summary>
    public IReadOnlyCollection<string> Warnings => _warnings;

    /// <summary>Whether <paramref name="folder"/> holds an IDX training split.</summary>
    public static bool IsIdx(string folder)
        => File.Exists(Path.Combine(folder, "train-images.idx")) || File.Exists(Path.Combine(folder, "train-images.idx.gz"))
        || File.Exists(Path.Combine(folder, "test-images.idx")) || File.Exists(Path.Combine(folder, "test-images.idx.gz"));

    /// <summary>
    /// The pipeline options of an image folder read at <paramref name="size"/> pixels. Batch memory is recycled: the
    /// learner and the evaluation are done with a batch before they ask for the next.
    /// </summary>
    public static ImagePipelineOptions Pipeline(int size, BadImagePolicy badImages, ImageAugmentation augmentation, ulong seed, Action<string>? warn)
        => new() { Size = size, BadImages = badImages, Augmentation = augmentation, Seed = seed, OnWarning = warn, RecycleBatches = true };

    /// <summary>Opens <paramref name="folder"/> for training: IDX splits, or an image folder split into training and validation parts.</summary>
    public static ImageData ForTraining(string folder, FineTuneSettings s)
    {
        if (IsIdx(folder))
        {
            var train = CliData.Load(folder, "train", s.TrainCount, "--train-count");
            var test = CliData.Load(folder, "test", s.TestCount, "--test-count", train.ClassNames);
            return new ImageData(folder, $"{train.Count} train, {test.Count} test images, {train.Images.Shape[2]}x{train.Images.Shape[3]} → {s.InputSize}x{s.InputSize} RGB")
            {
                Train = InMemoryDataset.From(train, ImageInput.For(s.InputSize)),
                Test = InMemoryDataset.From(test, ImageInput.For(s.InputSize)),
            };
        }

        ImageFolder images;
        double fraction = s.ValidationSplit > 0 ? s.ValidationSplit : FineTuneSettings.DefaultFolderValidationSplit;
        using (CliErrors.Doing($"listing {folder}"))
        {
            images = ImageFolder.Open(folder, new ImageFolderOptions { ValidationFraction = fraction, Seed = s.Seed });
        }

        if (images.Validation.Count == 0)
        {
            throw new UsageException($"--data {folder}: no validation images ({images.Layout}); add a val/ folder or use a larger --val-split.");
        }

        var data = new ImageData(folder, "");
        foreach (var w in images.Warnings)
        {
            data._warnings.Enqueue(w);
        }

        var augmentation = s.Augment
            ? ImageAugmentation.Default with { Brightness = s.ColorJitter, Contrast = s.ColorJitter, Saturation = s.ColorJitter }
            : ImageAugmentation.None;
        data.IsImageFolder = true;
        var trainFiles = Sample(images.Train, s.FolderTrainCount, s.Seed);
        var validationFiles = Sample(images.Validation, s.FolderTestCount, s.Seed + 1);
        data.Train = new StreamingImageDataset(trainFiles, Pipeline(s.InputSize, s.BadImages, augmentation, s.Seed, data._warnings.Enqueue));
        data.Test = new StreamingImageDataset(validationFiles, Pipeline(s.InputSize, s.BadImages, ImageAugmentation.None, s.Seed, data._warnings.Enqueue));
        string aug = augmentation.IsIdentity ? "no augmentation"
            : $"training augmented (random resized crop, flip{(augmentation.HasColorJitter ? string.Create(CultureInfo.InvariantCulture, $", colour jitter {s.ColorJitter}") : "")})";
        data.Description = $"{trainFiles.Count} train, {validationFiles.Count} validation images in {images.ClassNames.Count} classes ({images.Layout}); decoded at {s.InputSize}x{s.InputSize} RGB, {aug}";
        return data;
    }

    /// <summary>
    /// Opens <paramref name="folder"/> for evaluation against <paramref name="classNames"/>: the IDX test split, or
    /// an image folder's validation part (<c>val/</c> or <c>test/</c>; with <paramref name="validationSplit"/> the
    /// seeded held-out part; otherwise every image). Folder classes must be among the model's; labels follow the model.
    /// </summary>
    public static ImageData ForEvaluation(string folder, IReadOnlyList<string> classNames, int size, int count, double validationSplit, ulong seed, BadImagePolicy badImages)
    {
        if (IsIdx(folder))
        {
            var test = CliData.Load(folder, "test", count, "--count", classNames);
            var set = InMemoryDataset.From(test, ImageInput.For(size));
            return new ImageData(folder, $"{test.Count} test images") { Train = set, Test = set };
        }

        ImageFolder images;
        using (CliErrors.Doing($"listing {folder}"))
        {
            images = ImageFolder.Open(folder, new ImageFolderOptions { ValidationFraction = validationSplit, Seed = seed });
        }

        bool heldOut = images.Validation.Count > 0;
        var files = heldOut ? images.Validation : images.Train;
        var index = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        foreach (string n in images.ClassNames)
        {
            if (!index.ContainsKey(n))
            {
                throw new UsageException($"--data {folder}: class folder '{n}' is not one of the model's {classNames.Count} classes ({string.Join(", ", classNames.Take(10))}{(classNames.Count > 10 ? ", …" : "")}).");
            }
        }

        files = Sample(files, count, seed);
        var paths = files.Paths.ToList();
        var labels = files.Labels.Select(l => index[images.ClassNames[l]]).ToList();
        var data = new ImageData(folder, $"{paths.Count} images of {(heldOut ? images.Layout : "the whole folder")}") { IsImageFolder = true };
        foreach (var w in images.Warnings)
        {
            data._warnings.Enqueue(w);
        }

        var streamed = new StreamingImageDataset(new ImageFiles(paths, labels, classNames), Pipeline(size, badImages, ImageAugmentation.None, seed, data._warnings.Enqueue));
        data.Train = streamed;
        data.Test = streamed;
        return data;
    }

    /// <summary>At most <paramref name="count"/> of <paramref name="files"/>, drawn with <paramref name="seed"/>, in their original order.</summary>
    private static ImageFiles Sample(ImageFiles files, int? count, ulong seed)
    {
        if (count is not { } n || n >= files.Count)
        {
            return files;
        }

        var keep = new Rng(seed).Permutation(files.Count).AsSpan(0, n).ToArray();
        Array.Sort(keep);
        return new ImageFiles([.. keep.Select(i => files.Paths[i])], [.. keep.Select(i => files.Labels[i])], files.ClassNames);
    }

    /// <summary>Parses <c>--bad-images</c>.</summary>
    public static BadImagePolicy ParseBadImages(string value) => value switch
    {
        "fail" => BadImagePolicy.Fail,
        "skip" => BadImagePolicy.Skip,
        _ => throw new UsageException($"--bad-images '{value}' is not 'fail' or 'skip'."),
    };
}
