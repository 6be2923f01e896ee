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

    private static byte[] Float32(params float[] values)
    {
        var b = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(4 * i), values[i]);
        }

        return b;
    }

    private static byte[] Header(byte type, params int[] dims) => Build(type, dims, 0);

    private static string Split(string dir, byte[] images, byte[] labels, string split = "train")
    {
        File.WriteAllBytes(Path.Combine(dir, $"{split}-images.idx"), images);
        File.WriteAllBytes(Path.Combine(dir, $"{split}-labels.idx"), labels);
        return dir;
    }

    [Theory]
    [InlineData(3.7f, "element 1 (record 1, offset 0) is 3.700000047683716, not a whole number")]
    [InlineData(-0.5f, "element 1 (record 1, offset 0) is -0.5, not a whole number")]
    [InlineData(float.NaN, "element 1 (record 1, offset 0) is NaN, not a whole number")]
    [InlineData(1e38f, "not a whole number")]
    public void Float_labels_that_are_not_whole_numbers_are_refused_with_file_and_index(float bad, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("frost-idx-").FullName;
        try
        {
            Split(dir, Build(0x08, [3, 2, 2], 12), [.. Header(0x0D, 3), .. Float32(1f, bad, 2f)]);
            var ex = Assert.Throws<IdxFormatException>(() => LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses));
            Assert.StartsWith(Path.Combine(dir, "train-labels.idx") + ":", ex.Message, StringComparison.Ordinal);
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);

            // Whole-number float labels are fine, negative ones are out of range.
            Split(dir, Build(0x08, [3, 2, 2], 12), [.. Header(0x0D, 3), .. Float32(1f, 9f, 2f)]);
            Assert.Equal([1, 9, 2], LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses).Labels);
            Split(dir, Build(0x08, [3, 2, 2], 12), [.. Header(0x0D, 3), .. Float32(1f, -1f, 2f)]);
            Assert.Contains("label -1 at record 1 is outside 0..9", Assert.Throws<IdxFormatException>(() => LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(float.NaN, "pixel NaN at record 1, offset 2 is outside 0..255")]
    [InlineData(float.PositiveInfinity, "pixel ∞ at record 1, offset 2 is outside 0..255")]
    [InlineData(1e38f, "at record 1, offset 2 is outside 0..255")]
    [InlineData(-1f, "pixel -1 at record 1, offset 2 is outside 0..255")]
    public void Non_finite_or_out_of_range_pixels_are_refused_with_file_and_index(float bad, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("frost-idx-").FullName;
        try
        {
            var pixels = Enumerable.Repeat(7f, 12).ToArray();
            pixels[6] = bad;
            Split(dir, [.. Header(0x0D, 3, 2, 2), .. Float32(pixels)], [.. Header(0x08, 3), 1, 2, 3]);
            var ex = Assert.Throws<IdxFormatException>(() => LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses));
            Assert.StartsWith(Path.Combine(dir, "train-images.idx") + ":", ex.Message, StringComparison.Ordinal);
            Assert.Contains(expected.Replace("∞", double.PositiveInfinity.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Converting_non_finite_elements_names_the_element()
    {
        var a = Idx.Read(new MemoryStream([.. Header(0x0D, 2), .. Float32(1f, float.NegativeInfinity)]), "f.idx");
        Assert.Contains("f.idx: element 1 (record 1, offset 0) is -Infinity", Assert.Throws<IdxFormatException>(() => a.ToTensor()).Message, StringComparison.Ordinal);
        var d = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(d, 1.0);
        BinaryPrimitives.WriteDoubleBigEndian(d.AsSpan(8), 1e300);
        var big = Idx.Read(new MemoryStream([.. Header(0x0E, 2), .. d]), "d.idx");
        Assert.Contains("is 1E+300, not a finite number in float range", Assert.Throws<IdxFormatException>(() => big.ToTensor()).Message, StringComparison.Ordinal);
    }

    /// <summary>A gzip stream of <paramref name="header"/> followed by <paramref name="zeroBytes"/> zero bytes, as concatenated gzip members.</summary>
    private static byte[] GzipOfZeros(byte[] header, long zeroBytes)
    {
        const int Block = 1 << 20;
        var zeros = Gzip(new byte[Block]);
        var ms = new MemoryStream();
        ms.Write(Gzip(header));
        for (long left = zeroBytes; left > 0; left -= Block)
        {
            ms.Write(left >= Block ? zeros : Gzip(new byte[left]));
        }

        return ms.ToArray();
    }

    [Fact]
    public void A_requested_count_reads_and_decompresses_only_those_records()
    {
        // 2.7 million 28x28 images of zeros: 2.1 GB when decompressed, about 2 MB compressed.
        const int Images = 2_700_000;
        var dir = Directory.CreateTempSubdirectory("frost-idx-").FullName;
        try
        {
            Split(dir, GzipOfZeros(Header(0x08, Images, 28, 28), (long)Images * 784), GzipOfZeros(Header(0x08, Images), Images));
            Assert.Equal([Images, 28, 28], Idx.ReadHeader(Path.Combine(dir, "train-images.idx")).Dims);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var set = LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses, maxCount: 100);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(100, set.Count);
            Assert.Equal(new Shape(100, 1, 28, 28), set.Images.Shape);
            Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes for 100 images");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_limit_reads_a_prefix_and_still_checks_what_it_reads()
    {
        var raw = Build(0x08, [5, 2, 2], 20);
        var a = Idx.Read(new MemoryStream(raw), "r", 2);
        Assert.Equal([2, 2, 2], a.Dims);
        Assert.Equal(5, a.FileRecords);
        Assert.Equal(raw[16..24], a.Data.ToArray());
        Assert.Equal([5, 2, 2], Idx.Read(new MemoryStream(Gzip(raw)), "g", 9).Dims);

        // A raw file's size is checked against the header even when only a prefix is read.
        Assert.Contains("truncated", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(raw[..^1]), "r", 1)).Message, StringComparison.Ordinal);
        Assert.Contains("truncated", Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(Gzip(raw[..18])), "g", 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_and_labels_that_disagree_or_are_empty_are_refused()
    {
        var dir = Directory.CreateTempSubdirectory("frost-idx-").FullName;
        try
        {
            Split(dir, Build(0x08, [3, 2, 2], 12), Build(0x08, [4], 4));
            Assert.Contains("holds 4 labels but", Assert.Throws<IdxFormatException>(() => LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses, 2)).Message, StringComparison.Ordinal);
            Split(dir, Build(0x08, [0, 2, 2], 0), Build(0x08, [0], 0));
            Assert.Contains("holds no images", Assert.Throws<IdxFormatException>(() => LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses)).Message, StringComparison.Ordinal);
            Split(dir, Build(0x08, [2, 0, 2], 0), Build(0x08, [2], 2));
            Assert.Contains("at least one pixel", Assert.Throws<IdxFormatException>(() => LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_fifo_or_directory_named_as_data_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var dir = Directory.CreateTempSubdirectory("frost-idx-").FullName;
        try
        {
            string fifo = Path.Combine(dir, "train-images.idx");
            using (var mk = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
            {
                mk.WaitForExit();
            }

            File.WriteAllBytes(Path.Combine(dir, "train-labels.idx"), Build(0x08, [1], 1));
            var ex = Fuzz.WithinTime(TimeSpan.FromSeconds(10), "loading a FIFO", () => Record.Exception(() => LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses)));
            Assert.IsType<IOException>(ex);
            Assert.Contains("train-images.idx is empty or not a regular file (a FIFO, socket or device)", ex.Message, StringComparison.Ordinal);
            ex = Fuzz.WithinTime(TimeSpan.FromSeconds(10), "reading a FIFO", () => Record.Exception(() => Idx.Read(fifo)));
            Assert.IsType<IOException>(ex);

            Directory.CreateDirectory(Path.Combine(dir, "test-images.idx.gz"));
            File.WriteAllBytes(Path.Combine(dir, "test-labels.idx"), Build(0x08, [1], 1));
            Assert.Contains("is a directory", Assert.Throws<IOException>(() => LabeledImages.LoadIdx(dir, "test", LabeledImages.FashionMnistClasses)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
