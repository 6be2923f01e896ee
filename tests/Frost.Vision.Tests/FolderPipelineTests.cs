using SkiaSharp;

namespace Frost.Vision.Tests;

/// <summary>A folder written as PNG and JPEG files (a corrupt one, a greyscale one, an RGBA one, an EXIF-rotated one) read end to end.</summary>
public sealed class FolderPipelineTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public FolderPipelineTests()
    {
        for (int i = 0; i < 6; i++)
        {
            _tmp.Write($"cat/c{i}.png", TestImages.Png(TestImages.Pattern(20 + i, 16, seed: i), 20 + i, 16));
            _tmp.Write($"dog/d{i}.JPG", TestImages.Jpeg(TestImages.Pattern(16, 24, seed: 10 + i), 16, 24));
        }

        var grey = Enumerable.Range(0, 18 * 18).Select(i => (byte)i).ToArray();
        _tmp.Write("fish/grey.png", TestImages.Grey(grey, 18, 18, SKEncodedImageFormat.Png));
        _tmp.Write("fish/rgba.png", TestImages.Png(TestImages.Pattern(18, 18, alpha: true), 18, 18));
        _tmp.Write("fish/rotated.jpeg", TestImages.WithExifOrientation(TestImages.Jpeg(TestImages.Quadrants(32, 16), 32, 16), 6));
        var good = TestImages.Jpeg(TestImages.Pattern(32, 32), 32, 32);
        CorruptPath = _tmp.Write("fish/corrupt.jpg", good[..(good.Length / 2)]);
    }

    private string CorruptPath { get; }

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void A_folder_streams_in_batches_with_the_bad_file_skipped_and_named()
    {
        var folder = ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0.25, Seed = 3 });
        Assert.Equal(["cat", "dog", "fish"], folder.ClassNames);
        Assert.Equal(16, folder.Train.Count + folder.Validation.Count);
        Assert.Equal([2, 2, 1], folder.Validation.ClassCounts());

        var all = new ImageFiles([.. folder.Train.Paths, .. folder.Validation.Paths], [.. folder.Train.Labels, .. folder.Validation.Labels], folder.ClassNames);
        var warnings = new List<string>();
        var reader = new ImageBatchReader(all, new() { Size = 16, Workers = 2, BadImages = BadImagePolicy.Skip, OnWarning = warnings.Add });
        var order = new Rng(1).Permutation(all.Count);
        var batches = reader.Read(order, 5, augment: true).ToList();
        int bad = all.Paths.ToList().IndexOf(CorruptPath);
        Assert.Equal(order.Where(i => i != bad), batches.SelectMany(b => b.Indices));
        Assert.Equal([$"{CorruptPath}: truncated: the file ends before the image data does (skipped)"], warnings);
        foreach (var b in batches)
        {
            Assert.Equal(new Shape(b.Count, 3, 16, 16), b.Images.Shape);
            Assert.All(b.Images.ToArray(), v => Assert.InRange(v, 0f, 255f));
            Assert.Equal(b.Indices.Select(i => all.Labels[i]), b.Labels);
        }

        // The EXIF-rotated 32x16 file is upright 16x32; grey has R = G = B.
        int rotated = all.Paths.ToList().FindIndex(p => p.EndsWith("rotated.jpeg", StringComparison.Ordinal));
        var rot = reader.ReadExample(rotated).ToArray();
        Assert.True(rot[0] < 60 && rot[512] > 200, "top-left of the upright image should be blue (stored bottom-left)");
        Assert.True(rot[255] < 60 && rot[256 + 255] > 200, "bottom-right of the upright image should be green (stored top-right)");

        int greyIndex = all.Paths.ToList().FindIndex(p => p.EndsWith("grey.png", StringComparison.Ordinal));
        var g = reader.ReadExample(greyIndex).ToArray();
        Assert.Equal(g[..256], g[256..512]);
        Assert.Equal(g[..256], g[512..]);
    }

    [Fact]
    public void The_fail_policy_stops_at_the_bad_file_with_its_path()
    {
        var folder = ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0 });
        var reader = new ImageBatchReader(folder.Train, new() { Size = 8, Workers = 2 });
        var e = Assert.Throws<ImageDecodeException>(() => reader.Read(Enumerable.Range(0, folder.Train.Count).ToArray(), 4, false).ToList());
        Assert.Equal(CorruptPath, e.Image);
        Assert.StartsWith(CorruptPath + ": truncated", e.Message);
    }
}
