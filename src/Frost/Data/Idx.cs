using System.Buffers.Binary;
using System.IO.Compression;
using Frost.IO;

namespace Frost.Data;

/// <summary>Reads IDX files (the MNIST format), raw or gzip-compressed.</summary>
/// <remarks>
/// Every size in the header is checked against what the file holds before memory is committed: a header
/// that claims more data than the file has is reported, never allocated. With a record limit, only the
/// records asked for are read (and decompressed).
/// </remarks>
public static class Idx
{
    private const int MaxRank = 16;
    private const int Chunk = 1 << 20;

    /// <summary>Reads an IDX file; gzip is detected from the content, not the name.</summary>
    /// <exception cref="IdxFormatException">The file is malformed, truncated, or has trailing data.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or empty or not a regular file (FIFO, device).</exception>
    public static IdxArray Read(string path) => Read(path, int.MaxValue);

    /// <summary>
    /// Reads at most <paramref name="maxRecords"/> records (entries along the first dimension) of an IDX file:
    /// only those bytes are read or decompressed, however many the file holds.
    /// </summary>
    /// <remarks>
    /// A raw file's size is always checked against its header. A compressed file is checked only as far as it is
    /// read: trailing data after the records read is noticed only when every record is read.
    /// </remarks>
    /// <exception cref="IdxFormatException">The file is malformed, truncated, or has trailing data.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or empty or not a regular file (FIFO, device).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRecords"/> is negative.</exception>
    public static IdxArray Read(string path, int maxRecords)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecords);
        RegularFile.Require(path, "an IDX file");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        return Read(file, path, maxRecords);
    }

    /// <summary>Reads IDX content from a stream; <paramref name="name"/> appears in error messages.</summary>
    /// <exception cref="IdxFormatException">The content is malformed, truncated, or has trailing data.</exception>
    public static IdxArray Read(Stream stream, string name) => Read(stream, name, int.MaxValue);

    /// <summary>Reads at most <paramref name="maxRecords"/> records of IDX content from a stream; <paramref name="name"/> appears in error messages.</summary>
    /// <exception cref="IdxFormatException">The content is malformed, truncated, or has trailing data.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRecords"/> is negative.</exception>
    public static IdxArray Read(Stream stream, string name, int maxRecords)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecords);
        return WithDecompression(stream, name, (s, length) => ReadBody(s, name, length, ReadHeader(s, name), maxRecords));
    }

    /// <summary>Reads only the header of an IDX file (decompressing its first bytes when it is gzip).</summary>
    /// <exception cref="IdxFormatException">The header is malformed or claims more data than can be held.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or empty or not a regular file (FIFO, device).</exception>
    public static IdxHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RegularFile.Require(path, "an IDX file");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 4096);
        return WithDecompression(file, path, (s, _) => ReadHeader(s, path));
    }

    private static T WithDecompression<T>(Stream stream, string name, Func<Stream, long?, T> read)
    {
        var head = new byte[2];
        int got = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        var prefix = new MemoryStream(head, 0, got);
        var joined = new ConcatStream(prefix, stream);
        if (got == 2 && head[0] == 0x1F && head[1] == 0x8B)
        {
            try
            {
                using var gz = new GZipStream(joined, CompressionMode.Decompress);
                return read(gz, null);
            }
            catch (InvalidDataException e)
            {
                throw new IdxFormatException(name, $"corrupt gzip data ({e.Message}).");
            }
        }

        long? length = stream.CanSeek ? stream.Length - stream.Position + got : null;
        return read(joined, length);
    }

    private static IdxHeader ReadHeader(Stream s, string name)
    {
        var magic = new byte[4];
        if (s.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4)
        {
            throw new IdxFormatException(name, "file ends inside the 4-byte magic number.");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new IdxFormatException(name, $"bad magic number {Convert.ToHexString(magic)}: an IDX file starts with two zero bytes.");
        }

        var type = (IdxType)magic[2];
        if (!Enum.IsDefined(type))
        {
            throw new IdxFormatException(name, $"unknown element type 0x{magic[2]:X2} (expected 08, 09, 0B, 0C, 0D or 0E).");
        }

        int rank = magic[3];
        if (rank is 0 or > MaxRank)
        {
            throw new IdxFormatException(name, $"rank {rank} is outside 1..{MaxRank}.");
        }

        var dimBytes = new byte[4 * rank];
        if (s.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false) < dimBytes.Length)
        {
            throw new IdxFormatException(name, $"file ends inside the {rank} dimension sizes.");
        }

        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (d > int.MaxValue)
            {
                throw new IdxFormatException(name, $"dimension {i} is {d}, too large.");
            }

            dims[i] = (int)d;
            count *= d;
            if (count > int.MaxValue)
            {
                throw new IdxFormatException(name, $"dimensions [{string.Join(", ", dims[..(i + 1)])}] hold more than {int.MaxValue} elements.");
            }
        }

        long expected = count * IdxArray.ElementSize(type);
        if (expected > Array.MaxLength)
        {
            throw new IdxFormatException(name, $"header claims {expected} data bytes, more than can be held in memory.");
        }

        return new IdxHeader(type, dims);
    }

    private static IdxArray ReadBody(Stream s, string name, long? knownLength, IdxHeader header, int maxRecords)
    {
        var (type, dims) = (header.Type, header.Dims.ToArray());
        long expected = header.Count * (long)IdxArray.ElementSize(type);
        long headerBytes = 4 + 4L * dims.Length;
        if (knownLength is long len && len - headerBytes != expected)
        {
            throw new IdxFormatException(
                name,
                $"header [{string.Join(", ", dims)}] of {type} needs {expected} data bytes but the file holds {len - headerBytes}" +
                (len - headerBytes < expected ? " (truncated)." : " (trailing data)."));
        }

        int take = Math.Min(dims[0], maxRecords);
        long recordBytes = dims[1..].Aggregate(1L, (a, b) => a * b) * IdxArray.ElementSize(type);
        long wanted = take * recordBytes;

        // Read in chunks so a lying header in a compressed stream cannot make us allocate more than it holds.
        var data = knownLength is null ? ReadBounded(s, (int)wanted, name, dims, type) : ReadExact(s, (int)wanted, name);
        if (take == dims[0] && s.ReadByte() >= 0)
        {
            throw new IdxFormatException(name, $"trailing data after the {expected} bytes that header [{string.Join(", ", dims)}] describes.");
        }

        return new IdxArray(type, [take, .. dims[1..]], data, name, dims[0]);
    }

    private static byte[] ReadExact(Stream s, int expected, string name)
    {
        var data = GC.AllocateUninitializedArray<byte>(expected);
        if (s.ReadAtLeast(data, expected, throwOnEndOfStream: false) < expected)
        {
            throw new IdxFormatException(name, $"file is truncated: expected {expected} data bytes.");
        }

        return data;
    }

    private static byte[] ReadBounded(Stream s, int expected, string name, int[] dims, IdxType type)
    {
        var buffer = new MemoryStream(Math.Min(expected, Chunk));
        var chunk = new byte[Math.Min(Math.Max(expected, 1), Chunk)];
        while (buffer.Length < expected)
        {
            int want = (int)Math.Min(chunk.Length, expected - buffer.Length);
            int n = s.Read(chunk, 0, want);
            if (n == 0)
            {
                throw new IdxFormatException(
                    name,
                    $"header [{string.Join(", ", dims)}] of {type}: the data ends after {buffer.Length} of the {expected} bytes to read (truncated).");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>Reads a prefix that was already consumed, then the rest of the stream.</summary>
    private sealed class ConcatStream(Stream first, Stream second) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = first.Read(buffer, offset, count);
            return n > 0 ? n : second.Read(buffer, offset, count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
