namespace Frost.Data;

/// <summary>Some examples of another dataset, by index (e.g. a validation split).</summary>
public sealed class Subset : IDataset
{
    private readonly int[] _indices;

    /// <summary>Creates the subset.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the source.</exception>
    public Subset(IDataset source, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        foreach (int i in indices)
        {
            if ((uint)i >= (uint)source.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Subset: index {i} is outside 0..{source.Count - 1}.");
            }
        }

        Source = source;
        _indices = [.. indices];
    }

    /// <summary>The dataset the examples come from.</summary>
    public IDataset Source { get; }

    /// <summary>The source indices of the examples, in order.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public int Count => _indices.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => Source.ClassNames;

    /// <inheritdoc/>
    public bool AugmentsTraining => Source.AugmentsTraining;

    /// <inheritdoc/>
    public int LabelOf(int index) => Source.LabelOf(_indices[index]);

    /// <inheritdoc/>
    public IEnumerable<DataBatch> Read(IReadOnlyList<int[]> batches, bool training, int epoch)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var mapped = batches.Select(b => b.Select(i => _indices[i]).ToArray()).ToList();
        int k = 0;
        foreach (var batch in Source.Read(mapped, training, epoch))
        {
            yield return batch with { Indices = batches[k++] };
        }
    }

    /// <summary>
    /// Splits <paramref name="data"/> into training and validation subsets, holding out <paramref name="fraction"/>
    /// of each class (at least one example of every class with two or more), chosen by <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1).</exception>
    public static (Subset Train, Subset Validation) Split(IDataset data, double fraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), $"Split: the validation fraction must be in (0, 1), got {fraction}.");
        }

        var rng = new Rng(seed);
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var group in Enumerable.Range(0, data.Count).GroupBy(data.LabelOf).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            rng.Shuffle(members.AsSpan());
            int held = members.Length < 2 ? 0 : Math.Clamp((int)Math.Round(members.Length * fraction), 1, members.Length - 1);
            validation.AddRange(members.Take(held));
            train.AddRange(members.Skip(held));
        }

        train.Sort();
        validation.Sort();
        return (new Subset(data, train), new Subset(data, validation));
    }
}
