namespace Frost.Data;

/// <summary>
/// A labelled classification dataset that a <see cref="Training.Learner"/> reads in batches: images in memory or
/// streamed from files, token ids of texts, or cached features.
/// </summary>
public interface IDataset
{
    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>Class names, indexed by label.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Whether reads for training are randomly augmented (then the outputs of a frozen prefix cannot be cached).</summary>
    bool AugmentsTraining { get; }

    /// <summary>The label of example <paramref name="index"/>.</summary>
    int LabelOf(int index);

    /// <summary>
    /// The examples of each batch of indices, in order. Reads for <paramref name="training"/> apply augmentation
    /// whose randomness depends only on the seed of the dataset, <paramref name="epoch"/> and the example index.
    /// </summary>
    IEnumerable<DataBatch> Read(IReadOnlyList<int[]> batches, bool training, int epoch);
}
