using System.Buffers.Binary;
using System.IO.Compression;
using Frost.Data;
using Frost.TestKit;

namespace Frost.Tests.Data;

public class IdxTests
{
    private static byte[] Build(byte type, int[] dims, int dataBytes)
    {
        var ms = new MemoryStream();
        ms.Write([0, 0, type, (byte)dims.Length]);
        var b = new byte[4];
        foreach (int d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(b, d);
            ms.Write(b);
        }

        for (int i = 0; i < dataBytes; i++)
        {
            ms.WriteByte((byte)(i * 7));
        }

        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] raw)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return ms.ToArray();
    }

    [Fact]
    public void Reads_the_shipped_subset()
    {
        var train = LabeledImages.LoadIdx(Repo.File("data", "fashion-mnist-small"), "train", LabeledImages.FashionMnistClasses);
        var test = LabeledImages.LoadIdx(Repo.File("data", "fashion-mnist-small"), "test", LabeledImages.FashionMnistClasses);
        Assert.Equal(new Shape(6000, 1, 28, 28), train.Images.Shape);
        Assert.Equal(1000, test.Count);
        Assert.InRange(train.Images.AsReadOnlySpan().ToArray().Max(), 0.99f, 1f);
        Assert.Equal(10, train.Labels.Distinct().Count());
    }

    [Fact]
    public void The_subset_matches_the_start_of_the_shared_split()
    {
        if (Repo.SharedData is not { } shared)
        {
            return; // The shared folder is a development convenience; the product never reads it.
        }

        var full = Idx.Read(Path.Combine(shared, "fashion-mnist", "test-labels.idx.gz")).ToInt32();
        var small = Idx.Read(Repo.File("data", "fashion-mnist-small", "test-labels.idx.gz")).ToInt32();
        Assert.Equal(full[..1000], small);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trips_raw_and_gzip(bool gzip)
    {
        var raw = Build(0x08, [3, 2, 2], 12);
        var a = Idx.Read(new MemoryStream(gzip ? Gzip(raw) : raw), "mem");
        Assert.Equal([3, 2, 2], a.Dims);
        Assert.Equal(raw[^12..], a.Data.ToArray());
        Assert.Equal(new Shape(3, 2, 2), a.ToTensor().Shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_data_is_reported(bool gzip)
    {
        var raw = Build(0x08, [10, 28, 28], 100);
        var ex = Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(gzip ? Gzip(raw) : raw), "images.idx"));
        Assert.StartsWith("images.idx:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("7840", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_lying_header_does_not_allocate_what_it_claims(bool gzip)
    {
        // Claims 1 GiB of data but holds 16.
        var raw = Build(0x08, [1 << 30], 16);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(gzip ? Gzip(raw) : raw), "liar.idx"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes");

        var huge = Build(0x0E, [65536, 65536], 0);
        Assert.Contains("more than", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(huge), "huge.idx")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_magic_type_rank_and_trailing_data_are_reported()
    {
        Assert.Contains("magic", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream([1, 0, 8, 1, 0, 0, 0, 0]), "m")).Message, StringComparison.Ordinal);
        Assert.Contains("type 0x07", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(Build(0x07, [1], 1)), "t")).Message, StringComparison.Ordinal);
        Assert.Contains("rank 0", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream([0, 0, 8, 0]), "r")).Message, StringComparison.Ordinal);
        Assert.Contains("trailing", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(Build(0x08, [2], 3)), "x")).Message, StringComparison.Ordinal);
        Assert.Contains("trailing", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(Gzip(Build(0x08, [2], 3))), "x")).Message, StringComparison.Ordinal);
        Assert.Contains("magic", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream([0, 0]), "short")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_corruption_only_ever_gives_a_format_error()
    {
        var rng = new Rng(5);
        var valid = Build(0x08, [4, 3, 3], 36);
        var gz = Gzip(valid);
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])(trial % 2 == 0 ? valid : gz).Clone();
            int flips = 1 + rng.NextInt(3);
            for (int f = 0; f < flips; f++)
            {
                bytes[rng.NextInt(bytes.Length)] = (byte)rng.NextInt(256);
            }

            if (rng.NextInt(4) == 0)
            {
                bytes = bytes[..rng.NextInt(bytes.Length)];
            }

            try
            {
                var a = Idx.Read(new MemoryStream(bytes), "fuzz");
                Assert.Equal(a.Count * IdxArray.ElementSize(a.Type), a.Data.Length);
            }
            catch (IdxFormatException e)
            {
                Assert.StartsWith("fuzz:", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Missing_files_name_what_was_looked_for()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => LabeledImages.LoadIdx(Path.GetTempPath(), "nosuchsplit", LabeledImages.FashionMnistClasses));
        Assert.Contains("nosuchsplit-images.idx", ex.Message, StringComparison.Ordinal);
    }
}
