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
    /// <paramref name="folder"/>, scaling pixels to [0, 1]; only the first <paramref name="maxCount"/> images and
    /// labels are read (and decompressed), however many the files hold.
    /// </summary>
    /// <remarks>
    /// Pixels must lie in 0..255 and labels must be whole numbers naming a class; anything else (a float label
    /// such as 3.7, NaN or infinite pixels) is reported with the file and the record.
    /// </remarks>
    /// <exception cref="FileNotFoundException">A file is missing; the message names what was looked for.</exception>
    /// <exception cref="IdxFormatException">A file is malformed, holds values out of range, or the two files disagree.</exception>
    /// <exception cref="IOException">A path is a directory, or empty or not a regular file (FIFO, device).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is less than 1.</exception>
    public static LabeledImages LoadIdx(string folder, string split, IReadOnlyList<string> classNames, int maxCount = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        string images = Find(folder, $"{split}-images.idx");
        string labelsPath = Find(folder, $"{split}-labels.idx");
        using var imageFile = new FileStream(images, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        using var labelFile = new FileStream(labelsPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        return FromIdx(imageFile, images, labelFile, labelsPath, classNames, maxCount);
    }

    /// <summary>
    /// The split held by IDX image and label streams (named <paramref name="images"/> and
    /// <paramref name="labelsPath"/> in messages); see <see cref="LoadIdx"/>.
    /// </summary>
    internal static LabeledImages FromIdx(Stream imageData, string images, Stream labelData, string labelsPath, IReadOnlyList<string> classNames, int maxCount)
    {
        var lab = Idx.Read(labelData, labelsPath, maxCount);
        if (lab.Dims.Count != 1)
        {
            throw new IdxFormatException(labelsPath, $"expected one label per record, got dimensions [{string.Join(", ", lab.Dims)}].");
        }

        var labels = lab.ToInt32();
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new IdxFormatException(labelsPath, $"label {labels[i]} at record {i} is outside 0..{classNames.Count - 1}.");
            }
        }

        var img = Idx.Read(imageData, images, maxCount);
        if (img.Dims.Count != 3 || img.Dims[1] == 0 || img.Dims[2] == 0)
        {
            throw new IdxFormatException(images, $"expected [count, rows, columns] images with at least one pixel, got dimensions [{string.Join(", ", img.Dims)}].");
        }

        if (lab.FileRecords != img.FileRecords)
        {
            throw new IdxFormatException(labelsPath, $"holds {lab.FileRecords} labels but {images} holds {img.FileRecords} images.");
        }

        if (img.Dims[0] == 0)
        {
            throw new IdxFormatException(images, "holds no images.");
        }

        if (img.Type != IdxType.UInt8)
        {
            for (int i = 0; i < img.Count; i++)
            {
                double v = img.ValueAt(i);
                if (!(v >= 0 && v <= 255))
                {
                    throw new IdxFormatException(images, $"pixel {v.ToString(System.Globalization.CultureInfo.InvariantCulture)} at {img.Position(i)} is outside 0..255.");
                }
            }
        }

        var tensor = img.ToTensor(1f / 255f, [img.Dims[0], 1, img.Dims[1], img.Dims[2]]);
        return new LabeledImages(tensor, labels, classNames);
    }

    /// <summary>The header of a split's image file (<c>{split}-images.idx[.gz]</c>), read without loading the images.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="IdxFormatException">The header is malformed.</exception>
    /// <exception cref="IOException">The path is a directory, or empty or not a regular file (FIFO, device).</exception>
    public static IdxHeader ReadIdxHeader(string folder, string split) => Idx.ReadHeader(Find(folder, $"{split}-images.idx"));

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
            if (File.Exists(p) || Directory.Exists(p))
            {
                Frost.IO.RegularFile.Require(p, "an IDX file");
                return p;
            }
        }

        throw new FileNotFoundException($"No {stem}.gz or {stem} in {Path.GetFullPath(folder)}.", Path.Combine(folder, stem + ".gz"));
    }
}
