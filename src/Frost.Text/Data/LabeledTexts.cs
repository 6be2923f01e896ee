namespace Frost.Text.Data;

/// <summary>Texts with integer labels and class names.</summary>
public sealed class LabeledTexts
{
    /// <summary>Creates a dataset; there must be one label per text, each in 0..classNames.Count−1.</summary>
    /// <exception cref="ArgumentException">The counts differ, a text is null, or a label is out of range.</exception>
    public LabeledTexts(IReadOnlyList<string> texts, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (texts.Count != labels.Length)
        {
            throw new ArgumentException($"LabeledTexts: {texts.Count} texts but {labels.Length} labels.");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"LabeledTexts: text {i} is null.");
            }

            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException($"LabeledTexts: label {labels[i]} at index {i} is outside 0..{classNames.Count - 1}.");
            }
        }

        Texts = texts;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>The texts.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The label of each text, an index into <see cref="ClassNames"/>.</summary>
    public int[] Labels { get; }

    /// <summary>Class names indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of texts.</summary>
    public int Count => Labels.Length;

    /// <summary>The number of texts of each class, indexed by label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassNames.Count];
        foreach (int label in Labels)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>The texts at <paramref name="indices"/>, in that order, with the same class names.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside 0..Count−1.</exception>
    public LabeledTexts Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var texts = new string[indices.Count];
        var labels = new int[indices.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            int j = indices[i];
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)j, (uint)Count, nameof(indices));
            texts[i] = Texts[j];
            labels[i] = Labels[j];
        }

        return new LabeledTexts(texts, labels, ClassNames);
    }
}
