using SkiaSharp;

namespace Frost.Vision.Tests;

public sealed class DecodeTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private static ImagePipelineOptions Size(int size) => new() { Size = size, Workers = 1 };

    /// <summary>Channel c of pixel (x, y) of a [1, 3, S, S] tensor.</summary>
    private static float Px(Tensor t, int c, int x, int y) => t[0, c, y, x];

    [Fact]
    public void Png_pattern_survives_exactly_at_its_own_size()
    {
        var rgba = TestImages.Pattern(24, 24);
        string path = _tmp.Write("a.png", TestImages.Png(rgba, 24, 24));
        var t = ImageDecoder.Load(path, Size(24));
        Assert.Equal(new Shape(1, 3, 24, 24), t.Shape);
        for (int y = 0; y < 24; y++)
        {
            for (int x = 0; x < 24; x++)
            {
                var (r, g, b, _) = TestImages.At(rgba, 24, x, y);
                Assert.Equal(r, Px(t, 0, x, y));
                Assert.Equal(g, Px(t, 1, x, y));
                Assert.Equal(b, Px(t, 2, x, y));
            }
        }
    }

    [Fact]
    public void Bmp_and_lossless_webp_decode_like_the_png()
    {
        var rgba = TestImages.Pattern(16, 16, seed: 3);
        var png = ImageDecoder.Load(_tmp.Write("a.png", TestImages.Png(rgba, 16, 16)), Size(16)).ToArray();
        var bmp = ImageDecoder.Load(_tmp.Write("a.bmp", TestImages.Bmp(rgba, 16, 16)), Size(16)).ToArray();
        var webp = ImageDecoder.Load(_tmp.Write("a.webp", TestImages.Webp(rgba, 16, 16)), Size(16)).ToArray();
        Assert.Equal(png, bmp);
        Assert.True(MaxDiff(png, webp) <= 8, $"webp differs by {MaxDiff(png, webp)}");
    }

    [Fact]
    public void Gif_first_frame_decodes()
    {
        // A 1x1 GIF89a whose only pixel is palette entry 0, white.
        var gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=");
        var t = ImageDecoder.Load(_tmp.Write("white.gif", gif), Size(2));
        Assert.All(t.ToArray(), v => Assert.Equal(255f, v));
    }

    [Fact]
    public void Jpeg_decodes_close_to_its_source()
    {
        var rgba = TestImages.Quadrants(32, 32);
        var t = ImageDecoder.Load(_tmp.Write("q.jpg", TestImages.Jpeg(rgba, 32, 32)), Size(32));
        Assert.InRange(Px(t, 0, 4, 4), 240, 255); // red quadrant
        Assert.InRange(Px(t, 1, 4, 4), 0, 15);
        Assert.InRange(Px(t, 1, 28, 4), 240, 255); // green
        Assert.InRange(Px(t, 2, 4, 28), 240, 255); // blue
        Assert.InRange(Px(t, 0, 28, 28), 240, 255); // white
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void Greyscale_becomes_equal_rgb_channels(SKEncodedImageFormat format)
    {
        var grey = new byte[16 * 8];
        for (int i = 0; i < grey.Length; i++)
        {
            grey[i] = (byte)(i * 2);
        }

        var t = ImageDecoder.Load(_tmp.Write("g." + format, TestImages.Grey(grey, 16, 8, format)), Size(8));
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                Assert.Equal(Px(t, 0, x, y), Px(t, 1, x, y));
                Assert.Equal(Px(t, 0, x, y), Px(t, 2, x, y));
            }
        }

        if (format == SKEncodedImageFormat.Png)
        {
            // Centre crop of 16x8 at its own scale: column x of the output is column x + 4 of the file.
            Assert.Equal(grey[3 * 16 + 5 + 4], Px(t, 0, 5, 3));
        }
    }

    [Fact]
    public void Alpha_is_composited_over_the_background()
    {
        var rgba = TestImages.Pattern(12, 12, alpha: true);
        string path = _tmp.Write("rgba.png", TestImages.Png(rgba, 12, 12));
        foreach (var bg in new (byte R, byte G, byte B)[] { (255, 255, 255), (0, 0, 0), (10, 200, 30) })
        {
            var t = ImageDecoder.Load(path, Size(12) with { Background = bg });
            for (int y = 0; y < 12; y++)
            {
                for (int x = 0; x < 12; x++)
                {
                    var (r, g, b, a) = TestImages.At(rgba, 12, x, y);
                    float f = a / 255f;
                    Assert.Equal(r * f + bg.R * (1 - f), Px(t, 0, x, y), 1e-3);
                    Assert.Equal(g * f + bg.G * (1 - f), Px(t, 1, x, y), 1e-3);
                    Assert.Equal(b * f + bg.B * (1 - f), Px(t, 2, x, y), 1e-3);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Exif_orientation_is_applied(int orientation)
    {
        // Stored: 64 wide, 32 high, quadrants red | green over blue | white.
        var jpeg = TestImages.WithExifOrientation(TestImages.Jpeg(TestImages.Quadrants(64, 32), 64, 32), orientation);
        string path = _tmp.Write($"o{orientation}.jpg", jpeg);
        using (var codec = SKCodec.Create(path))
        {
            Assert.Equal(orientation, (int)codec.EncodedOrigin);
        }

        // The full upright image, squeezed to 16x16 by a centre crop of fraction 1 on the shorter side.
        var data = new ImageFiles([path], [0], ["x"]);
        var reader = new ImageBatchReader(data, Size(16));
        var handle = data.Open(0, new DecodeContext(reader.Options));
        bool swap = orientation >= 5;
        Assert.Equal(swap ? 32 : 64, handle.Width);
        Assert.Equal(swap ? 64 : 32, handle.Height);
        handle.Dispose();

        // Where each stored quadrant lands: the stored (u, v) in {0, 1}^2 maps to an upright quadrant.
        var pixels = Upright(path, swap ? 32 : 64, swap ? 64 : 32);
        (int X, int Y) Q(int u, int v) => orientation switch
        {
            1 => (u, v),
            2 => (1 - u, v),
            3 => (1 - u, 1 - v),
            4 => (u, 1 - v),
            5 => (v, u),
            6 => (1 - v, u),
            7 => (1 - v, 1 - u),
            _ => (v, 1 - u),
        };
        var stored = new[,] { { "red", "blue" }, { "green", "white" } }; // [u, v]
        for (int u = 0; u < 2; u++)
        {
            for (int v = 0; v < 2; v++)
            {
                var (qx, qy) = Q(u, v);
                Assert.Equal(stored[u, v], pixels[qx, qy]);
            }
        }
    }

    /// <summary>The colour name at the centre of each quadrant of the upright full image.</summary>
    private static string[,] Upright(string path, int width, int height)
    {
        var files = new ImageFiles([path], [0], ["x"]);
        var context = new DecodeContext(new ImagePipelineOptions());
        using var image = files.Open(0, context);
        var px = image.Load(1);
        var names = new string[2, 2];
        var row = new float[width * 3];
        for (int qy = 0; qy < 2; qy++)
        {
            int y = height / 4 + qy * height / 2;
            px.ReadRow(y, 0, width, row);
            for (int qx = 0; qx < 2; qx++)
            {
                int x = width / 4 + qx * width / 2;
                names[qx, qy] = (row[x * 3] > 128, row[x * 3 + 1] > 128, row[x * 3 + 2] > 128) switch
                {
                    (true, false, false) => "red",
                    (false, true, false) => "green",
                    (false, false, true) => "blue",
                    (true, true, true) => "white",
                    var c => c.ToString(),
                };
            }
        }

        return names;
    }

    [Fact]
    public void Shrinking_averages_with_the_antialiased_triangle_filter()
    {
        // A horizontal ramp v = 4x: halving it gives the mean of 4 taps (1/8, 3/8, 3/8, 1/8) = 4(2o + 0.5) inside,
        // renormalised at the edges; rows are constant.
        int w = 32, h = 32;
        var rgba = new byte[w * h * 4];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                rgba[(y * w + x) * 4] = (byte)(4 * x);
                rgba[(y * w + x) * 4 + 1] = 77;
                rgba[(y * w + x) * 4 + 3] = 255;
            }
        }

        var t = ImageDecoder.Load(_tmp.Write("ramp.png", TestImages.Png(rgba, w, h)), Size(16));
        for (int o = 1; o < 15; o++)
        {
            Assert.Equal(4 * (2 * o + 0.5f), Px(t, 0, o, 5), 3);
            Assert.Equal(77f, Px(t, 1, o, 9), 4);
        }

        // Edge: taps 0, 1, 2 with weights 3/4, 3/4, 1/4 of a sum 7/4.
        Assert.Equal(4 * (0 * 3 + 1 * 3 + 2 * 1) / 7f, Px(t, 0, 0, 5), 3);
    }

    [Fact]
    public void Centre_crop_fraction_keeps_the_middle_of_the_shorter_side()
    {
        var rgba = TestImages.Pattern(40, 20, seed: 2);
        string path = _tmp.Write("wide.png", TestImages.Png(rgba, 40, 20));
        var t = ImageDecoder.Load(path, Size(10) with { CenterCropFraction = 0.5 });
        for (int y = 0; y < 10; y++)
        {
            for (int x = 0; x < 10; x++)
            {
                var (r, _, _, _) = TestImages.At(rgba, 40, x + 15, y + 5);
                Assert.Equal(r, Px(t, 0, x, y));
            }
        }
    }

    [Fact]
    public void Reduced_jpeg_decoding_stays_close_to_the_full_decode()
    {
        // A smooth photo-like image (gradients): 1/8-scale decoding then resampling matches a full decode closely.
        var rgba = new byte[256 * 256 * 4];
        for (int i = 0; i < 256 * 256; i++)
        {
            int x = i % 256, y = i / 256;
            (rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]) = ((byte)x, (byte)y, (byte)((x + y) / 2), 255);
        }

        string path = _tmp.Write("big.jpg", TestImages.Jpeg(rgba, 256, 256, 90));
        using (var image = new ImageFiles([path], [0], ["x"]).Open(0, new DecodeContext(Size(32))))
        {
            Assert.Equal(32, image.Load(32 / 256.0).Width); // decoded at 1/8
            Assert.Equal(64, image.Load(33 / 256.0).Width); // 1/8 would be too small: 1/4
        }

        var fast = ImageDecoder.Load(path, Size(32)).ToArray();
        var full = ImageDecoder.Load(path, Size(32) with { ReducedJpegDecoding = false }).ToArray();
        Assert.True(MaxDiff(fast, full) < 6, $"max difference {MaxDiff(fast, full)}");
        Assert.True(MeanDiff(fast, full) < 1.5, $"mean difference {MeanDiff(fast, full)}");
    }

    [Fact]
    public void Bad_files_give_one_line_errors_naming_the_path()
    {
        var jpeg = TestImages.Jpeg(TestImages.Pattern(64, 64), 64, 64);
        var png = TestImages.Png(TestImages.Pattern(64, 64), 64, 64);
        var cases = new (string Name, byte[] Bytes, string Expected)[]
        {
            ("empty.jpg", [], "empty file"),
            ("garbage.png", [.. Enumerable.Range(0, 100).Select(i => (byte)(i * 31))], "not a readable image"),
            ("cut-header.jpg", jpeg[..40], "not a readable image"),
            ("cut.jpg", jpeg[..(jpeg.Length * 2 / 3)], "truncated"),
            ("cut.png", png[..(png.Length * 2 / 3)], "truncated"),
            ("bomb.png", TestImages.PngHeader(100_000, 100_000), "above the limit"),
        };
        foreach (var (name, bytes, expected) in cases)
        {
            string path = _tmp.Write(name, bytes);
            var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(path, Size(8)));
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }

        var missing = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(Path.Combine(_tmp.Path, "nope.png"), Size(8)));
        Assert.Contains("file not found", missing.Message);
    }

    [Fact]
    public void A_declared_size_over_the_limit_is_refused_before_allocating()
    {
        string path = _tmp.Write("bomb.png", TestImages.PngHeader(30_000, 30_000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(path, Size(8)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);

        // The limit is an option: a 64x64 image is refused under 4,000 pixels.
        string ok = _tmp.Write("ok.png", TestImages.Png(TestImages.Pattern(64, 64), 64, 64));
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(ok, Size(8) with { MaxPixels = 4000 }));
        Assert.Contains("64x64", e.Message);
    }

    [Fact]
    public void A_fifo_named_like_an_image_is_refused_without_blocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string path = Path.Combine(_tmp.Path, "pipe.jpg");
        using (var p = System.Diagnostics.Process.Start("mkfifo", path))
        {
            p.WaitForExit();
        }

        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Load(path, Size(8)));
        Assert.Contains("not a regular file", e.Message);
    }

    private static float MaxDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static double MeanDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
}
