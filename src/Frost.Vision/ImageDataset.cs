namespace Frost.Vision;

/// <summary>
/// Labelled images described without decoding them: a count, class names and the label of each example.
/// Read batches with <see cref="ImageBatchReader"/>.
/// </summary>
public abstract class ImageDataset
{
    private readonly int[] _labels;

    private protected ImageDataset(IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string what)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0)
        {
            throw new ArgumentException($"{what}: at least one class name is needed.");
        }

        _labels = [.. labels];
        for (int i = 0; i < _labels.Length; i++)
        {
            if ((uint)_labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException($"{what}: label {_labels[i]} of example {i} is outside 0..{classNames.Count - 1}.");
            }
        }

        ClassNames = [.. classNames];
    }

    /// <summary>Number of examples.</summary>
    public int Count => _labels.Length;

    /// <summary>Class names indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The label of each example.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>How example <paramref name="index"/> is named in messages: its file path, or its position in memory.</summary>
    public abstract string Describe(int index);

    /// <summary>Number of examples of each class, indexed by label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassNames.Count];
        foreach (int l in _labels)
        {
            counts[l]++;
        }

        return counts;
    }

    /// <summary>Opens example <paramref name="index"/>; problems with the image throw <see cref="ImageDecodeException"/>.</summary>
    internal abstract ImageHandle Open(int index, DecodeContext context);
}
