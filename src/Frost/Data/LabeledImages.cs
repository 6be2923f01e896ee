namespace Frost.Data;

/// <summary>Examples (images [N, C, H, W], or features [N, …]) with integer labels and class names.</summary>
public sealed class LabeledImages
{
    /// <summary>Creates a dataset; the image count must equal the label count.</summary>
    public LabeledImages(Tensor images, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (images.Rank < 2 || images.Shape[0] != labels.Length)
        {
            throw new ArgumentException($"LabeledImages: images {images.Shape} must have one entry per label along the first axis ({labels.Length} labels).");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException($"LabeledImages: label {labels[i]} at index {i} is outside 0..{classNames.Count - 1}.");
            }
        }

        Images = images;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>The Fashion-MNIST class names, by label.</summary>
    public static IReadOnlyList<string> FashionMnistClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The images.</summary>
    public Tensor Images { get; }

    /// <summary>The label of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Class names indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>
    /// Loads an MNIST-style split (<c>{split}-images.idx[.gz]</c> and <c>{split}-labels.idx[.gz]</c>) from
    /// <paramref name="folder"/>, scaling pixels to [0, 1].
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names what was looked for.</exception>
    /// <exception cref="IdxFormatException">A file is malformed or the two files disagree.</exception>
    public static LabeledImages LoadIdx(string folder, string split, IReadOnlyList<string> classNames)
    {
        string images = Find(folder, $"{split}-images.idx");
        string labelsPath = Find(folder, $"{split}-labels.idx");
        var img = Idx.Read(images);
        var lab = Idx.Read(labelsPath);
        if (img.Dims.Count != 3)
        {
            throw new IdxFormatException(images, $"expected [count, rows, columns] images, got dimensions [{string.Join(", ", img.Dims)}].");
        }

        if (lab.Dims.Count != 1 || lab.Dims[0] != img.Dims[0])
        {
            throw new IdxFormatException(labelsPath, $"expected {img.Dims[0]} labels to match {images}, got dimensions [{string.Join(", ", lab.Dims)}].");
        }

        var labels = lab.ToInt32();
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new IdxFormatException(labelsPath, $"label {labels[i]} at record {i} is outside 0..{classNames.Count - 1}.");
            }
        }

        var tensor = img.ToTensor(1f / 255f, [img.Dims[0], 1, img.Dims[1], img.Dims[2]]);
        return new LabeledImages(tensor, labels, classNames);
    }

    /// <summary>The first <paramref name="count"/> images (a view, no copy).</summary>
    public LabeledImages Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        return new LabeledImages(Ops.Slice(Images, 0, 0, count), Labels[..count], ClassNames);
    }

    private static string Find(string folder, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            string p = Path.Combine(folder, candidate);
            if (File.Exists(p))
            {
                return p;
            }
        }

        throw new FileNotFoundException($"No {stem}.gz or {stem} in {Path.GetFullPath(folder)}.", Path.Combine(folder, stem + ".gz"));
    }
}
