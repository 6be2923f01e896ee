namespace Frost.Layers;

/// <summary>
/// Looks up rows of an [entries, dimension] table for integer indices given as a float tensor of any shape;
/// the output has that shape plus a last axis of <see cref="Dimension"/>. Rows can be frozen individually
/// (<see cref="Variable.FreezeRows"/>), e.g. pretrained entries while new ones train.
/// </summary>
public sealed class Embedding : Layer
{
    /// <summary>Creates the table with N(0, 1) entries.</summary>
    public Embedding(int entries, int dimension, Rng rng, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(entries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Entries = entries;
        Dimension = dimension;
        Weight = AddParameter("weight", Tensor.Normal(new Shape(entries, dimension), 0f, 1f, rng));
    }

    /// <summary>Creates the layer with the given [entries, dimension] table (copied).</summary>
    /// <exception cref="ArgumentException">The table is not a non-empty matrix.</exception>
    public Embedding(Tensor weight, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || weight.Size == 0)
        {
            throw new ArgumentException($"Embedding: the table must be a non-empty [entries, dimension] matrix, got {weight.Shape}.", nameof(weight));
        }

        Entries = weight.Shape[0];
        Dimension = weight.Shape[1];
        Weight = AddParameter("weight", weight);
    }

    /// <summary>Number of rows.</summary>
    public int Entries { get; }

    /// <summary>Row length.</summary>
    public int Dimension { get; }

    /// <summary>The [entries, dimension] table.</summary>
    public Variable Weight { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        var src = input.AsReadOnlySpan();
        var ix = new int[src.Length];
        for (int i = 0; i < ix.Length; i++)
        {
            float f = src[i];
            if (f != MathF.Floor(f) || f < 0 || f >= Entries)
            {
                throw new ArgumentException($"Embedding '{Path}': index {f} at position {i} is not an integer in 0..{Entries - 1}.");
            }

            ix[i] = (int)f;
        }

        var rows = Ops.Gather(Weight, 0, ix);
        return Ops.Reshape(rows, [.. input.Shape.ToArray(), Dimension]);
    }
}
