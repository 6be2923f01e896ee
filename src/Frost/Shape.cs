using System.Text;

namespace Frost;

/// <summary>The dimensions of a tensor: an immutable list of non-negative sizes, outermost first.</summary>
public readonly struct Shape : IEquatable<Shape>
{
    private static readonly int[] s_scalar = [];
    private readonly int[]? _dims;
    private readonly int _size;

    /// <summary>Creates a shape from its dimensions.</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the element count overflows.</exception>
    public Shape(params ReadOnlySpan<int> dims)
    {
        _dims = dims.ToArray();
        long size = 1;
        foreach (int d in _dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape {Format(_dims)}: dimensions must be non-negative.");
            }

            size *= d;
            if (size > int.MaxValue)
            {
                throw new ArgumentException($"Shape {Format(_dims)} has more than {int.MaxValue} elements.");
            }
        }

        _size = (int)size;
    }

    private Shape(int[] dims, int size)
    {
        _dims = dims;
        _size = size;
    }

    /// <summary>The shape of a scalar (rank 0, one element).</summary>
    public static Shape Scalar => default;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>Number of elements (product of the dimensions; 1 for a scalar).</summary>
    public int Size => _dims is null ? 1 : _size;

    /// <summary>The dimensions.</summary>
    public ReadOnlySpan<int> Dims => _dims ?? s_scalar;

    /// <summary>The size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis, "Shape")];

    /// <summary>Returns the dimensions as a new array.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>Maps a possibly negative axis into 0..Rank-1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside -Rank..Rank-1.</exception>
    public int NormalizeAxis(int axis, string op)
    {
        int r = Rank;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for shape {this} (rank {r}).");
        }

        return a;
    }

    /// <summary>Row-major strides in elements.</summary>
    public int[] Strides()
    {
        var dims = Dims;
        var strides = new int[dims.Length];
        int s = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= dims[i];
        }

        return strides;
    }

    /// <summary>Product of the dimensions in [start, end).</summary>
    public int Product(int start, int end)
    {
        int p = 1;
        var dims = Dims;
        for (int i = start; i < end; i++)
        {
            p *= dims[i];
        }

        return p;
    }

    /// <summary>Returns a copy with dimension <paramref name="axis"/> replaced by <paramref name="size"/>.</summary>
    public Shape With(int axis, int size)
    {
        var d = ToArray();
        d[NormalizeAxis(axis, "Shape.With")] = size;
        return new Shape(d);
    }

    /// <summary>The NumPy broadcast of two shapes.</summary>
    /// <exception cref="ArgumentException">The shapes are not broadcast-compatible; the message names <paramref name="op"/>.</exception>
    public static Shape Broadcast(Shape a, Shape b, string op)
    {
        if (a.Equals(b))
        {
            return a;
        }

        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Rank) >= 0 ? a.Dims[i - (rank - a.Rank)] : 1;
            int db = i - (rank - b.Rank) >= 0 ? b.Dims[i - (rank - b.Rank)] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException($"{op}: shapes {a} and {b} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            }

            dims[i] = da == 1 ? db : da;
        }

        return new Shape(dims);
    }

    internal static Shape FromOwned(int[] dims)
    {
        long size = 1;
        foreach (int d in dims)
        {
            size *= d;
        }

        return new Shape(dims, (int)size);
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims)
        {
            h.Add(d);
        }

        return h.ToHashCode();
    }

    /// <summary>Formats the shape as <c>[2, 3]</c>.</summary>
    public override string ToString() => Format(Dims);

    private static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(dims[i]);
        }

        return sb.Append(']').ToString();
    }

    /// <summary>Equality of dimensions.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Inequality of dimensions.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Creates a shape from an array of dimensions.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);
}
