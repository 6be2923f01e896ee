namespace Frost.Data;

/// <summary>
/// A dataset held in one tensor (examples batch first) with labels, optionally mapped to the model's input by a
/// deterministic per-batch <see cref="Transform"/> (e.g. resizing and scaling images).
/// </summary>
public sealed class InMemoryDataset : IDataset
{
    /// <summary>Creates the dataset.</summary>
    /// <exception cref="ArgumentException">The counts differ, or a label is outside the classes.</exception>
    public InMemoryDataset(Tensor examples, int[] labels, IReadOnlyList<string> classNames, Func<Tensor, Tensor>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (examples.Rank < 1 || examples.Shape[0] != labels.Length)
        {
            throw new ArgumentException($"InMemoryDataset: {labels.Length} labels for examples of shape {examples.Shape}; expected one example per label along the first axis.");
        }

        if (classNames.Count < 2)
        {
            throw new ArgumentException($"InMemoryDataset: {classNames.Count} class(es); a classifier needs at least 2.");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException($"InMemoryDataset: label {labels[i]} of example {i} is outside 0..{classNames.Count - 1}.");
            }
        }

        Examples = examples;
        Labels = labels;
        ClassNames = classNames;
        Transform = transform;
    }

    /// <summary>An image set as a dataset (with a transform to the model's input).</summary>
    public static InMemoryDataset From(LabeledImages images, Func<Tensor, Tensor>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        return new InMemoryDataset(images.Images, images.Labels, images.ClassNames, transform);
    }

    /// <summary>The examples, batch first, before <see cref="Transform"/>.</summary>
    public Tensor Examples { get; }

    /// <summary>The labels.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The per-batch map to the model's input, if any.</summary>
    public Func<Tensor, Tensor>? Transform { get; }

    /// <inheritdoc/>
    public int Count => Labels.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public bool AugmentsTraining => false;

    /// <inheritdoc/>
    public int LabelOf(int index) => Labels[index];

    /// <inheritdoc/>
    public IEnumerable<DataBatch> Read(IReadOnlyList<int[]> batches, bool training, int epoch)
    {
        ArgumentNullException.ThrowIfNull(batches);
        foreach (var ix in batches)
        {
            var x = IsRange(ix) ? Ops.Slice(Examples, 0, ix[0], ix.Length) : Ops.Gather(Examples, 0, ix);
            var labels = new int[ix.Length];
            for (int i = 0; i < ix.Length; i++)
            {
                labels[i] = Labels[ix[i]];
            }

            yield return new DataBatch([Transform?.Invoke(x) ?? x], labels, ix);
        }
    }

    private static bool IsRange(int[] ix)
    {
        for (int i = 1; i < ix.Length; i++)
        {
            if (ix[i] != ix[0] + i)
            {
                return false;
            }
        }

        return ix.Length > 0;
    }
}
