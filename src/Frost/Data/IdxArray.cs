namespace Frost.Data;

/// <summary>The element types an IDX file can hold (the third byte of its magic number).</summary>
public enum IdxType : byte
{
    /// <summary>Unsigned byte.</summary>
    UInt8 = 0x08,

    /// <summary>Signed byte.</summary>
    Int8 = 0x09,

    /// <summary>Big-endian 16-bit integer.</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit integer.</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian 32-bit float.</summary>
    Float32 = 0x0D,

    /// <summary>Big-endian 64-bit float.</summary>
    Float64 = 0x0E,
}

/// <summary>The contents of an IDX file: dimensions, element type and raw big-endian data.</summary>
public sealed class IdxArray
{
    internal IdxArray(IdxType type, int[] dims, byte[] data, string source, int fileRecords)
    {
        Type = type;
        Dims = dims;
        Data = data;
        Source = source;
        FileRecords = fileRecords;
    }

    /// <summary>The file (or stream name) the elements were read from, as named in error messages.</summary>
    public string Source { get; }

    /// <summary>Records (entries along the first dimension) the file holds; <see cref="Dims"/>[0] is fewer when a limit was given.</summary>
    public int FileRecords { get; }

    /// <summary>The element type.</summary>
    public IdxType Type { get; }

    /// <summary>The dimensions, outermost first (for images: count, rows, columns).</summary>
    public IReadOnlyList<int> Dims { get; }

    /// <summary>The raw elements, big-endian as in the file.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Number of elements.</summary>
    public int Count => Dims.Aggregate(1, (a, b) => a * b);

    /// <summary>Size in bytes of one element of <paramref name="type"/>.</summary>
    public static int ElementSize(IdxType type) => type switch
    {
        IdxType.UInt8 or IdxType.Int8 => 1,
        IdxType.Int16 => 2,
        IdxType.Int32 or IdxType.Float32 => 4,
        IdxType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown IDX type."),
    };

    /// <summary>The elements converted to float, each multiplied by <paramref name="scale"/>, with the given shape (default: the file's dimensions).</summary>
    /// <exception cref="IdxFormatException">An element is NaN or infinite, or becomes so when converted or scaled; the message names the file and element.</exception>
    /// <exception cref="ArgumentException">The shape does not hold the elements.</exception>
    public Tensor ToTensor(float scale = 1f, int[]? shape = null)
    {
        var target = new Shape(shape ?? [.. Dims]);
        if (target.Size != Count)
        {
            throw new ArgumentException($"ToTensor: shape {target} does not hold the {Count} elements of dimensions [{string.Join(", ", Dims)}].");
        }

        var t = Tensor.Empty(target);
        var dst = t.AsSpan();
        var src = Data.Span;
        for (int i = 0; i < dst.Length; i++)
        {
            double v = Read(src, i);
            float f = (float)(scale * v);
            if (!float.IsFinite(f))
            {
                throw new IdxFormatException(Source, $"element {i} ({Position(i)}) is {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not a finite number{(double.IsFinite(v) ? " in float range" : "")}.");
            }

            dst[i] = f;
        }

        return t;
    }

    /// <summary>The elements as integers (for labels).</summary>
    /// <exception cref="IdxFormatException">An element is not a whole number in the int range (3.7, -0.5, NaN, 1e38); the message names the file and element.</exception>
    public int[] ToInt32()
    {
        var result = new int[Count];
        var src = Data.Span;
        for (int i = 0; i < result.Length; i++)
        {
            double v = Read(src, i);
            if (!(v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue))
            {
                throw new IdxFormatException(Source, $"element {i} ({Position(i)}) is {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not a whole number.");
            }

            result[i] = (int)v;
        }

        return result;
    }

    /// <summary>The value of element <paramref name="index"/> (flat, row-major), exactly as stored.</summary>
    internal double ValueAt(int index) => Read(Data.Span, index);

    /// <summary>"record r, offset k" of a flat element index.</summary>
    internal string Position(int index)
    {
        int perRecord = Math.Max(1, Dims.Skip(1).Aggregate(1, (a, b) => a * b));
        return $"record {index / perRecord}, offset {index % perRecord}";
    }

    private double Read(ReadOnlySpan<byte> src, int i) => Type switch
    {
        IdxType.UInt8 => src[i],
        IdxType.Int8 => (sbyte)src[i],
        IdxType.Int16 => System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(src[(2 * i)..]),
        IdxType.Int32 => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(src[(4 * i)..]),
        IdxType.Float32 => System.Buffers.Binary.BinaryPrimitives.ReadSingleBigEndian(src[(4 * i)..]),
        _ => System.Buffers.Binary.BinaryPrimitives.ReadDoubleBigEndian(src[(8 * i)..]),
    };
}
