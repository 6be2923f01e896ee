using System.Globalization;
using System.Text;

namespace Frost;

/// <summary>
/// A dense, row-major float32 array of any rank. Tensors are immutable by convention once an op has used
/// them; ops return new tensors and, under a <see cref="GradientTape"/>, record how to differentiate them.
/// </summary>
public sealed partial class Tensor
{
    internal Tensor(Storage storage, int offset, Shape shape)
    {
        if (offset < 0 || shape.Size > storage.Length - offset)
        {
            throw new InvalidOperationException($"A view of {shape.Size} values at offset {offset} does not fit its buffer of {storage.Length}.");
        }

        Storage = storage;
        Offset = offset;
        Shape = shape;
    }

    /// <summary>The dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>Number of elements.</summary>
    public int Size => Shape.Size;

    internal Storage Storage { get; }

    internal int Offset { get; }

    /// <summary>The recorded op that produced this tensor, if it was recorded on a tape.</summary>
    internal Node? Node { get; set; }

    /// <summary>The variable whose value this is, if any.</summary>
    public Variable? Variable { get; internal set; }

    /// <summary>Set by <see cref="GradientTape.Watch(Tensor)"/>: gradients may be asked for this tensor.</summary>
    internal bool Watched { get; set; }

    /// <summary>
    /// Whether ops on this tensor are recorded for differentiation: it is the value of a trainable variable, a
    /// watched tensor, or the recorded result of such ops.
    /// </summary>
    public bool RequiresGrad => Node is not null || Watched || Variable is { Trainable: true };

    /// <summary>Whether this tensor's buffer was returned to the pool by its scope.</summary>
    public bool IsReleased => Storage.Released;

    /// <summary>The elements in row-major order. Writing through the span changes the tensor in place.</summary>
    public Span<float> AsSpan() => Storage.Array.AsSpan(Storage.Start + Offset, Size);

    /// <summary>The elements in row-major order, read-only.</summary>
    public ReadOnlySpan<float> AsReadOnlySpan() => Storage.Array.AsSpan(Storage.Start + Offset, Size);

    /// <summary>Copies the elements into a new array.</summary>
    public float[] ToArray() => AsReadOnlySpan().ToArray();

    /// <summary>The element at the given indices (one per dimension).</summary>
    /// <exception cref="ArgumentException">The number of indices differs from the rank, or one is out of range.</exception>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[params int[] indices]
    {
        get => AsReadOnlySpan()[FlatIndex(indices)];
        set => AsSpan()[FlatIndex(indices)] = value;
    }

    /// <summary>The single element of a one-element tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element.</exception>
    public float Item()
    {
        if (Size != 1)
        {
            throw new InvalidOperationException($"Item: tensor of shape {Shape} has {Size} elements, expected exactly 1.");
        }

        return AsReadOnlySpan()[0];
    }

    /// <summary>
    /// Exempts this op result's buffer from release by the tape that made it, so it stays valid after the tape is
    /// disposed (the GC reclaims it later). Returns this tensor. Tensors made with the factories
    /// (<see cref="Zeros(Shape)"/>, <see cref="FromArray(float[])"/>, …) or <see cref="Clone"/> need no call: they are never
    /// released.
    /// </summary>
    public Tensor Keep()
    {
        Storage.Keep();
        return this;
    }

    /// <summary>A copy with its own buffer and no gradient history, owned by the caller (never released by a scope).</summary>
    public Tensor Clone()
    {
        var t = Owned(Shape);
        AsReadOnlySpan().CopyTo(t.AsSpan());
        return t;
    }

    /// <summary>Copies the elements of <paramref name="source"/> into this tensor in place (shapes must match).</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Shape != Shape)
        {
            throw new ArgumentException($"CopyFrom: source shape {source.Shape} differs from destination shape {Shape}.");
        }

        source.AsReadOnlySpan().CopyTo(AsSpan());
    }

    private int FlatIndex(int[] indices)
    {
        var dims = Shape.Dims;
        if (indices.Length != dims.Length)
        {
            throw new ArgumentException($"Indexer: {indices.Length} indices given for a tensor of rank {dims.Length} (shape {Shape}).");
        }

        int flat = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            int ix = indices[i];
            if ((uint)ix >= (uint)dims[i])
            {
                throw new ArgumentException($"Indexer: index {ix} is out of range for dimension {i} of shape {Shape}.");
            }

            flat = flat * dims[i] + ix;
        }

        return flat;
    }

    /// <summary>A short description: shape, and up to eight values.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Tensor").Append(Shape.ToString());
        if (Storage.Released)
        {
            return sb.Append(" (released)").ToString();
        }

        var s = AsReadOnlySpan();
        sb.Append(" {");
        for (int i = 0; i < Math.Min(8, s.Length); i++)
        {
            sb.Append(i == 0 ? " " : ", ").Append(s[i].ToString("G6", CultureInfo.InvariantCulture));
        }

        return sb.Append(s.Length > 8 ? ", … }" : " }").ToString();
    }
}
