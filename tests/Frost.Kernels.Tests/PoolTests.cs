namespace Frost.Kernels.Tests;

public class PoolTests
{
    // (N, C, H, W, KH, KW, sh, sw, pt, pl, pb, pr, includePad, ceil)
    public static TheoryData<string> Shapes() =>
    [
        "2,3,8,8,2,2,2,2,0,0,0,0,0,0",
        "1,2,7,9,3,3,2,2,1,1,1,1,0,0",     // ResNet-style 3x3 s2 p1
        "2,2,7,9,3,3,2,2,1,1,1,1,1,0",     // count_include_pad
        "1,3,6,6,3,3,2,2,1,1,1,1,0,1",     // ceil mode
        "2,1,5,7,2,3,2,2,0,1,1,0,1,1",     // ceil + asymmetric pads + include pad
        "1,2,11,10,3,2,3,2,2,0,1,1,0,1",   // anisotropic, ceil drops a window
        "3,2,4,5,4,5,1,1,0,0,0,0,0,0",     // window = whole image
        "1,1,1,1,1,1,1,1,0,0,0,0,0,0",
        "2,4,13,12,3,3,1,1,1,1,1,1,1,0",   // stride 1 overlapping
        "2,3,9,37,3,3,2,2,1,1,1,1,0,0",    // wide rows: vector blocks, overlapping last block, stride 2
        "1,2,6,40,2,2,2,2,0,0,0,0,0,1",    // stride 2, window 2, last load past the row end
        "1,2,5,33,3,4,1,1,0,2,0,3,0,0",    // stride 1, window 4, asymmetric horizontal pads
        "4,16,64,60,3,3,2,2,1,1,1,1,0,0",  // large enough to split planes over threads
        "2,2,8,35,3,3,2,2,0,0,0,0,0,0",    // 3 wide at stride 2 without padding: inference takes rows, then columns
        "1,2,9,41,3,3,2,2,1,1,1,1,0,1",    // the same with padding and ceil mode (the last window overhangs)
        "1,1,7,34,2,3,3,2,0,1,0,1,0,0",    // window 2x3, stride (3, 2): rows of the window do not overlap
    ];

    private static Pool2DShape Parse(string spec)
    {
        int[] v = spec.Split(',').Select(int.Parse).ToArray();
        return new Pool2DShape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12] == 1, v[13] == 1);
    }

    /// <summary>Window positions (padded coordinates) of output (oh, ow), clipped to the padded input.</summary>
    private static IEnumerable<(int Ih, int Iw, bool Inside)> Window(Pool2DShape s, int oh, int ow)
    {
        for (int kh = 0; kh < s.KernelHeight; kh++)
        {
            for (int kw = 0; kw < s.KernelWidth; kw++)
            {
                int ih = oh * s.StrideH - s.PadTop + kh, iw = ow * s.StrideW - s.PadLeft + kw;
                if (ih >= s.InHeight + s.PadBottom || iw >= s.InWidth + s.PadRight)
                {
                    continue; // beyond the padded input (ceil mode)
                }

                yield return (ih, iw, ih >= 0 && ih < s.InHeight && iw >= 0 && iw < s.InWidth);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Max_matches_reference(string spec)
    {
        Pool2DShape s = Parse(spec);
        var rng = new Random(TestData.Seed(spec));
        float[] x = TestData.Random(rng, s.InputLength), dy = TestData.Random(rng, s.OutputLength);
        var y = new float[s.OutputLength];
        var arg = new int[s.OutputLength];
        Pool2DKernel.MaxForward(s, x, y, arg);
        var dx = new double[s.InputLength];
        int plane = s.InHeight * s.InWidth, o = 0;
        for (int p = 0; p < s.Batch * s.Channels; p++)
        {
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++, o++)
                {
                    float best = float.NegativeInfinity;
                    int at = -1;
                    foreach (var (ih, iw, inside) in Window(s, oh, ow))
                    {
                        if (inside && x[p * plane + ih * s.InWidth + iw] > best)
                        {
                            best = x[p * plane + ih * s.InWidth + iw];
                            at = ih * s.InWidth + iw;
                        }
                    }

                    Assert.Equal(best, y[o]);
                    Assert.Equal(at, arg[o]);
                    dx[p * plane + at] += dy[o];
                }
            }
        }

        var gx = TestData.Random(rng, s.InputLength);
        Pool2DKernel.MaxBackward(s, dy, arg, gx);
        TestData.AssertClose(dx, gx, 1e-6, 1e-6, $"max backward {s}");

        // Inference form without argmax gives the same values.
        var y2 = new float[s.OutputLength];
        Pool2DKernel.MaxForward(s, x, y2, []);
        Assert.Equal(y, y2);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Average_matches_reference(string spec)
    {
        Pool2DShape s = Parse(spec);
        var rng = new Random(TestData.Seed(spec) + 1);
        float[] x = TestData.Random(rng, s.InputLength), dy = TestData.Random(rng, s.OutputLength);
        var y = new float[s.OutputLength];
        Pool2DKernel.AvgForward(s, x, y);
        var expected = new double[s.OutputLength];
        var dx = new double[s.InputLength];
        int plane = s.InHeight * s.InWidth, o = 0;
        for (int p = 0; p < s.Batch * s.Channels; p++)
        {
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++, o++)
                {
                    var window = Window(s, oh, ow).ToList();
                    int count = s.CountIncludePad ? window.Count : window.Count(w => w.Inside);
                    double sum = window.Where(w => w.Inside).Sum(w => (double)x[p * plane + w.Ih * s.InWidth + w.Iw]);
                    expected[o] = sum / count;
                    foreach (var w in window.Where(w => w.Inside))
                    {
                        dx[p * plane + w.Ih * s.InWidth + w.Iw] += dy[o] / count;
                    }
                }
            }
        }

        TestData.AssertClose(expected, y, 1e-5, 1e-6, $"avg forward {s}");
        var gx = TestData.Random(rng, s.InputLength);
        Pool2DKernel.AvgBackward(s, dy, gx);
        TestData.AssertClose(dx, gx, 1e-5, 1e-6, $"avg backward {s}");
    }

    [Fact]
    public void Output_sizes_follow_PyTorch()
    {
        Assert.Equal(3, new Pool2DShape(1, 1, 5, 5, 2, 2, 2, 2, CeilMode: true).OutHeight);
        Assert.Equal(2, new Pool2DShape(1, 1, 5, 5, 2, 2, 2, 2).OutHeight);
        Assert.Equal(56, new Pool2DShape(1, 1, 112, 112, 3, 3, 2, 2, 1, 1, 1, 1).OutHeight);
        Assert.Equal(4, new Pool2DShape(1, 1, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, CeilMode: true).OutWidth);

        // ceil((3 + 2 - 2) / 2) + 1 = 3, but the third window would start at 4 ≥ 3 + 1 (in the bottom padding): 2.
        Assert.Equal(2, new Pool2DShape(1, 1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, CeilMode: true).OutHeight);
        Assert.Equal(2, new Pool2DShape(1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, CeilMode: true).OutHeight);
    }

    [Fact]
    public void Max_propagates_NaN()
    {
        var s = new Pool2DShape(1, 1, 2, 2, 2, 2, 2, 2);
        var y = new float[1];
        Pool2DKernel.MaxForward(s, [1f, float.NaN, 3f, 2f], y, []);
        Assert.True(float.IsNaN(y[0]));

        // Wide rows take the vector path: a NaN must win there too, and only in its own windows.
        var wide = new Pool2DShape(1, 1, 3, 40, 3, 3, 2, 2, 1, 1, 1, 1);
        var x = Enumerable.Range(0, 120).Select(i => (float)i).ToArray();
        x[40 + 21] = float.NaN; // row 1, column 21: windows of output columns 10 and 11
        var yw = new float[wide.OutputLength];
        var arg = new int[wide.OutputLength];
        Pool2DKernel.MaxForward(wide, x, yw, arg);
        for (int ow = 0; ow < wide.OutWidth; ow++)
        {
            Assert.Equal(ow is 10 or 11, float.IsNaN(yw[ow]));
        }

        Assert.Equal(61, arg[10]);

        // Without argmax, wide rows are pooled along rows first: the NaN lands in the same windows.
        var y2 = new float[wide.OutputLength];
        Pool2DKernel.MaxForward(wide, x, y2, []);
        Assert.Equal(yw, y2);
        var tall = new Pool2DShape(1, 1, 5, 40, 3, 3, 2, 2, 1, 1, 1, 1);
        var xt = Enumerable.Range(0, 200).Select(i => (float)(i % 7)).ToArray();
        xt[(3 * 40) + 6] = float.NaN; // row 3: windows of output rows 1 and 2, columns 3
        var yt = new float[tall.OutputLength];
        Pool2DKernel.MaxForward(tall, xt, yt, []);
        for (int o = 0; o < yt.Length; o++)
        {
            Assert.Equal(o is 20 + 3 or 40 + 3, float.IsNaN(yt[o]));
        }
    }

    [Fact]
    public void Global_average()
    {
        var rng = new Random(9);
        int n = 3, c = 5, sp = 49;
        float[] x = TestData.Random(rng, n * c * sp), dy = TestData.Random(rng, n * c);
        var y = new float[n * c];
        Pool2DKernel.GlobalAvgForward(n, c, sp, x, y);
        var gx = new float[x.Length];
        Pool2DKernel.GlobalAvgBackward(n, c, sp, dy, gx);
        for (int p = 0; p < n * c; p++)
        {
            double mean = 0;
            for (int i = 0; i < sp; i++)
            {
                mean += x[p * sp + i];
                Assert.Equal(dy[p] / sp, gx[p * sp + i], 6);
            }

            Assert.Equal(mean / sp, y[p], 5);
        }
    }

    [Fact]
    public void Validates()
    {
        Assert.Throws<ArgumentException>(() => new Pool2DShape(1, 1, 4, 4, 2, 2, 2, 2, PadTop: 2).Validate());
        Assert.Throws<ArgumentException>(() => new Pool2DShape(1, 1, 4, 4, 2, 2, 0, 2).Validate());
        var s = new Pool2DShape(1, 1, 4, 4, 2, 2, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => Pool2DKernel.MaxForward(s, new float[15], new float[4], []));
        Assert.Contains("Pool2DKernel.MaxForward", e.Message);
        Assert.Contains("16", e.Message);
        Assert.Throws<ArgumentException>(() => Pool2DKernel.MaxForward(s, new float[16], new float[4], new int[3]));
        e = Assert.Throws<ArgumentException>(() => Pool2DKernel.MaxBackward(s, new float[4], [0, 1, 16, 2], new float[16]));
        Assert.Contains("argmax", e.Message);
        Assert.Throws<ArgumentException>(() => Pool2DKernel.GlobalAvgForward(2, 3, 4, new float[24], new float[5]));
    }
}
