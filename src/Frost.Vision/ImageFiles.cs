namespace Frost.Vision;

/// <summary>Image files with labels: each example is decoded from its file when read.</summary>
public sealed class ImageFiles : ImageDataset
{
    private readonly string[] _paths;

    /// <summary>Creates a dataset of <paramref name="paths"/> labelled by <paramref name="labels"/> (indices into <paramref name="classNames"/>).</summary>
    /// <exception cref="ArgumentException">The counts differ or a label is out of range.</exception>
    public ImageFiles(IReadOnlyList<string> paths, IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
        : base(labels, classNames, nameof(ImageFiles))
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count != labels.Count)
        {
            throw new ArgumentException($"ImageFiles: {paths.Count} paths but {labels.Count} labels.");
        }

        _paths = [.. paths];
    }

    /// <summary>The file of each example.</summary>
    public IReadOnlyList<string> Paths => _paths;

    /// <inheritdoc/>
    public override string Describe(int index) => _paths[index];

    internal override ImageHandle Open(int index, DecodeContext context) => FileImage.Open(_paths[index], context);
}
