namespace Frost.Kernels.Tests;

public class ConvTests
{
    // (N, C, H, W, K, R, S, sh, sw, pt, pl, pb, pr, dh, dw, groups)
    public static TheoryData<string> Shapes() =>
    [
        "2,3,9,11,4,3,3,1,1,1,1,1,1,1,1,1",      // 3x3 same
        "1,5,7,6,3,3,3,1,1,0,0,0,0,1,1,1",       // valid, odd sizes
        "3,4,10,9,6,3,3,1,1,0,1,2,1,1,1,1",      // asymmetric pads
        "2,3,13,12,5,3,3,2,2,1,1,1,1,1,1,1",     // stride 2
        "2,2,11,10,3,3,2,2,1,1,0,0,1,1,1,1",     // stride (2,1), 3x2 kernel, asymmetric
        "1,3,12,13,4,3,3,1,1,2,2,2,2,2,2,1",     // dilation 2
        "2,3,14,11,2,3,3,2,2,3,1,0,2,2,3,1",     // dilation (2,3) with stride and odd pads
        "2,4,8,9,6,3,3,1,1,1,1,1,1,1,1,2",       // groups 2
        "2,6,9,7,6,3,3,1,1,1,1,1,1,1,1,3",       // groups 3, stride 1
        "2,4,9,8,4,3,3,1,1,1,1,1,1,1,1,4",       // depthwise
        "2,4,9,8,8,3,3,2,2,1,0,1,2,1,1,4",       // depthwise x2 multiplier, stride 2, asymmetric
        "1,3,10,10,3,5,5,1,1,2,2,2,2,2,1,3",     // depthwise 5x5 dilated
        "3,7,6,5,9,1,1,1,1,0,0,0,0,1,1,1",       // 1x1
        "2,6,9,9,4,1,1,2,2,0,0,0,0,1,1,1",       // 1x1 stride 2
        "1,3,23,21,8,7,7,2,2,3,3,3,3,1,1,1",     // stem-like 7x7 s2 p3
        "5,1,8,8,3,3,3,1,1,1,1,1,1,1,1,1",       // single input channel, batch 5
        "1,2,1,1,3,1,1,1,1,0,0,0,0,1,1,1",       // 1x1 image
        "2,3,5,4,2,3,3,1,1,2,2,2,2,1,1,1",       // pad larger than needed
        "4,17,6,7,33,3,3,1,1,1,1,1,1,1,1,1",     // channel counts not multiples of tiles, batch 4
        "1,20,5,5,70,3,3,1,1,1,1,1,1,1,1,1",     // more output channels than a direct-A panel
        "4,32,12,12,32,3,3,1,1,1,1,1,1,1,1,1",   // Winograd forward and input gradient (ConvThreadCountTests runs it on the direct paths too)
        "3,32,12,13,40,3,3,1,1,1,1,1,1,1,1,1",   // Winograd, odd output width (ConvThreadCountTests: direct paths)
        "4,32,31,31,32,3,3,2,2,1,1,1,1,1,1,1",   // strided, threaded
        "10,8,5,5,136,3,3,1,1,1,1,1,1,1,1,1",    // many small images: depth blocks span images
        "4,8,7,7,8,3,3,1,1,1,1,1,1,1,1,1",       // small images through explicit columns, several per GEMM
        "1,3,141,140,8,3,3,2,2,1,1,1,1,1,1,1",   // large strided output: columns built in row blocks
        "2,3,61,67,37,7,7,2,2,3,3,3,3,1,1,1",    // stem-like, odd sizes, channels not a tile multiple, several blocks
        "3,6,17,19,10,5,3,3,2,2,1,0,2,1,1,2",    // groups 2, stride (3,2), asymmetric pads
        "3,2,40,41,9,3,3,4,3,0,2,1,0,1,2,1",     // stride (4,3), dilation (1,2)
        "3,3,64,62,16,7,7,2,2,3,3,3,3,1,1,1",    // stem-like, threaded: work split mid-image
        "2,8,16,16,8,3,3,1,1,1,1,1,1,1,1,1",     // 3x3 same at 16x16: the smallest map on the wide path
        "4,6,20,22,10,3,3,1,1,1,1,1,1,1,1,1",    // 3x3 same, wide path, stacked images
        "8,16,4,4,24,3,3,2,2,1,1,1,1,1,1,1",     // strided, tiny output: several images per input-gradient GEMM
        "2,8,8,8,8,3,3,1,1,1,1,1,1,1,1,2",       // groups 2 at 8x8: output rows of whole micro-tiles read in place
        "3,4,12,16,6,3,3,1,1,2,2,2,2,2,2,1",     // dilation 2, 16-wide output rows read in place, stacked images
        "2,33,7,7,40,3,3,1,1,1,1,1,1,1,1,1",     // Winograd tiles: odd output, a half tile on the right and bottom
        "2,32,9,8,36,3,3,1,1,0,0,0,0,1,1,1",     // Winograd without padding: the input gradient pads by 2
        "3,40,6,9,32,3,3,1,1,0,2,1,0,1,1,1",     // Winograd, asymmetric pads
        "5,48,13,14,300,3,3,1,1,1,1,1,1,1,1,1",  // Winograd, one image per chunk; the input gradient's depth (300) spans two depth blocks
        "6,256,5,7,260,3,3,1,1,1,1,1,1,1,1,1",   // Winograd weight gradient, half tiles
        "1,33,1,1,37,3,3,1,1,1,1,1,1,1,1,1",     // Winograd, a single half tile
        "1,40,3,60,36,3,3,1,1,0,0,0,0,1,1,1",    // Winograd, one output row 58 wide
        "2,36,50,2,44,3,3,1,1,0,1,0,0,1,1,1",    // Winograd, one output column, asymmetric pads
        "3,64,9,9,70,3,3,1,1,1,1,1,1,1,1,1",     // Winograd weight gradient from 64 channels on a small plane, K not a multiple of 8
        "2,65,15,16,67,3,3,1,1,1,1,1,1,1,1,1",   // the same with odd C and K
        "2,64,16,16,64,3,3,1,1,1,1,1,1,1,1,1",   // a plane of exactly 256: the fewest channels for the Winograd weight gradient
        "2,32,3,4,56,3,3,1,1,2,0,0,2,1,1,1",     // large asymmetric pads; K = 56 leaves a partial block of kernels
        "2,32,28,28,40,3,3,1,1,1,1,1,1,1,1,1",   // Winograd F(4x4): a 28x28 map; K = 40 leaves a partial block of kernels
        "2,48,30,29,32,3,3,1,1,1,1,1,1,1,1,1",   // F(4x4), cropped tiles on the right and bottom
        "2,32,31,30,32,3,3,1,1,0,2,1,0,1,1,1",   // F(4x4), asymmetric pads
        "2,32,30,31,40,3,3,1,1,0,0,0,0,1,1,1",   // F(4x4) without padding: the input gradient pads by 2
        "24,32,7,8,40,3,3,1,1,1,1,1,1,1,1,1",    // F(4x4) on a small map of a large batch: most tiles cropped
        "8,64,14,16,72,3,3,1,1,1,1,1,1,1,1,1",   // F(4x4) weight gradient from 64 channels on a small plane
        "2,128,30,28,136,3,3,1,1,1,1,1,1,1,1,1", // F(4x4) weight gradient, cropped tiles
    ];

    internal static Conv2DShape Parse(string spec)
    {
        int[] v = spec.Split(',').Select(int.Parse).ToArray();
        return new Conv2DShape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_reference(string spec)
    {
        Conv2DShape s = Parse(spec);
        var rng = new Random(TestData.Seed(spec));
        float[] x = TestData.Random(rng, s.InputLength), w = TestData.Random(rng, s.WeightLength), b = TestData.Random(rng, s.OutChannels);
        var (expected, mag) = ConvReference.Forward(s, x, w, b);
        var y = new float[s.OutputLength];
        Conv2DKernel.Forward(s, x, w, b, y);
        ConvReference.AssertClose(expected, mag, y, $"forward {s}");

        // Without bias, and with fused ReLU.
        var (noBias, magNoBias) = ConvReference.Forward(s, x, w, []);
        Conv2DKernel.Forward(s, x, w, [], y);
        ConvReference.AssertClose(noBias, magNoBias, y, $"forward (no bias) {s}");
        Conv2DKernel.Forward(s, x, w, b, y, relu: true);
        ConvReference.AssertClose(expected.Select(v => Math.Max(v, 0)).ToArray(), mag, y, $"forward (relu) {s}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_reference(string spec)
    {
        Conv2DShape s = Parse(spec);
        var rng = new Random(TestData.Seed(spec) + 1);
        float[] x = TestData.Random(rng, s.InputLength), w = TestData.Random(rng, s.WeightLength), dy = TestData.Random(rng, s.OutputLength);
        var (dx, dxm, dw, dwm, db, dbm) = ConvReference.Backward(s, x, w, dy);

        float[] gx = TestData.Random(rng, s.InputLength); // garbage: must be overwritten
        Conv2DKernel.BackwardInput(s, dy, w, gx);
        ConvReference.AssertClose(dx, dxm, gx, $"backward input {s}");

        float[] gw = TestData.Random(rng, s.WeightLength), gb = TestData.Random(rng, s.OutChannels);
        Conv2DKernel.BackwardWeight(s, x, dy, gw, gb);
        ConvReference.AssertClose(dw, dwm, gw, $"backward weight {s}");
        ConvReference.AssertClose(db, dbm, gb, $"backward bias {s}");
        Conv2DKernel.BackwardWeight(s, x, dy, gw, []);
        ConvReference.AssertClose(dw, dwm, gw, $"backward weight (no bias) {s}");
    }

    /// <summary>
    /// Winograd's F(4×4, 3×3) rounds relative to the magnitude of a whole 4×4 output tile, not of each output: on
    /// striped, ReLU-like inputs (zero columns beside positive ones) an output whose own inputs are all zero carries
    /// the rounding of its tile's neighbours. Each output is held to its tile's largest magnitude instead.
    /// </summary>
    [Theory]
    [InlineData("24,128,8,8,32,3,3,1,1,1,1,1,1,1,1,1")]   // 1.3 times the per-output tolerance; 0.02 of the tile's
    [InlineData("24,256,8,8,64,3,3,1,1,1,1,1,1,1,1,1")]   // 2.9 times the per-output tolerance; 0.03 of the tile's
    public void Forward_on_sparse_inputs_rounds_within_each_output_tiles_magnitude(string spec)
    {
        Conv2DShape s = Parse(spec);
        var rng = new Random(TestData.Seed(spec));
        float[] x = TestData.Random(rng, s.InputLength), w = TestData.Random(rng, s.WeightLength);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i % s.InWidth % 4 == 3 ? Math.Abs(x[i]) : 0f;
        }

        var (expected, mag) = ConvReference.Forward(s, x, w, []);
        var y = new float[s.OutputLength];
        Conv2DKernel.Forward(s, x, w, [], y);

        int oh = s.OutHeight, ow = s.OutWidth;
        var tileMag = new double[mag.Length];
        for (int plane = 0; plane < s.Batch * s.OutChannels; plane++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    double m = 0;
                    for (int ti = i / 4 * 4; ti < Math.Min(oh, (i / 4 * 4) + 4); ti++)
                    {
                        for (int tj = j / 4 * 4; tj < Math.Min(ow, (j / 4 * 4) + 4); tj++)
                        {
                            m = Math.Max(m, mag[(((plane * oh) + ti) * ow) + tj]);
                        }
                    }

                    tileMag[(((plane * oh) + i) * ow) + j] = m;
                }
            }
        }

        ConvReference.AssertClose(expected, tileMag, y, $"forward on sparse inputs {s}");
    }

    [Fact]
    public void Shape_arithmetic()
    {
        var s = new Conv2DShape(16, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3);
        Assert.Equal(112, s.OutHeight);
        Assert.Equal(112, s.OutWidth);
        Assert.Equal(16 * 64 * 112 * 112, s.OutputLength);
        var asym = new Conv2DShape(1, 1, 5, 6, 1, 3, 3, 2, 2, 0, 1, 1, 0);
        Assert.Equal(2, asym.OutHeight); // (5 + 1 - 3) / 2 + 1
        Assert.Equal(3, asym.OutWidth);  // (6 + 1 - 3) / 2 + 1
    }

    [Fact]
    public void Validates_shapes_and_spans()
    {
        var s = new Conv2DShape(1, 4, 5, 5, 6, 3, 3, Groups: 4);
        var e = Assert.Throws<ArgumentException>(() => s.Validate());
        Assert.Contains("divide by groups", e.Message);
        Assert.Throws<ArgumentException>(() => new Conv2DShape(1, 1, 2, 2, 1, 5, 5).Validate());
        Assert.Throws<ArgumentException>(() => new Conv2DShape(1, 1, 5, 5, 1, 3, 3, StrideH: 0).Validate());
        Assert.Throws<ArgumentException>(() => new Conv2DShape(1, 1, 5, 5, 1, 3, 3, PadTop: -1).Validate());

        var ok = new Conv2DShape(1, 2, 5, 5, 3, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernel.Forward(ok, new float[49], new float[54], [], new float[75]));
        Assert.Contains("Conv2DKernel.Forward", e.Message);
        Assert.Contains("input", e.Message);
        Assert.Contains("50", e.Message);
        Assert.Throws<ArgumentException>(() => Conv2DKernel.Forward(ok, new float[50], new float[54], new float[2], new float[75]));
        Assert.Throws<ArgumentException>(() => Conv2DKernel.BackwardInput(ok, new float[74], new float[54], new float[50]));
        Assert.Throws<ArgumentException>(() => Conv2DKernel.BackwardWeight(ok, new float[50], new float[75], new float[53], []));
    }

    [Fact]
    public void Gradients_match_finite_differences_of_the_forward()
    {
        // L = Σ dy ⊙ conv(x, w); checks a few coordinates of ∂L/∂x and ∂L/∂w against central differences.
        var s = new Conv2DShape(2, 4, 7, 6, 6, 3, 3, 2, 1, 1, 0, 2, 1, 1, 2, Groups: 2);
        var rng = new Random(3);
        float[] x = TestData.Random(rng, s.InputLength), w = TestData.Random(rng, s.WeightLength), dy = TestData.Random(rng, s.OutputLength);
        var gx = new float[x.Length];
        var gw = new float[w.Length];
        Conv2DKernel.BackwardInput(s, dy, w, gx);
        Conv2DKernel.BackwardWeight(s, x, dy, gw, []);
        double Loss(float[] xs, float[] ws)
        {
            var (y, _) = ConvReference.Forward(s, xs, ws, []);
            double l = 0;
            for (int i = 0; i < y.Length; i++)
            {
                l += y[i] * dy[i];
            }

            return l;
        }

        const float H = 1e-2f;
        foreach (int i in new[] { 0, 17, 101, x.Length - 1 })
        {
            float[] xp = (float[])x.Clone(), xm = (float[])x.Clone();
            xp[i] += H;
            xm[i] -= H;
            double fd = (Loss(xp, w) - Loss(xm, w)) / (xp[i] - xm[i]);
            Assert.True(Math.Abs(fd - gx[i]) < 1e-3 * (1 + Math.Abs(fd)), $"dx[{i}]: fd {fd} vs {gx[i]}");
        }

        foreach (int i in new[] { 0, 5, 40, w.Length - 1 })
        {
            float[] wp = (float[])w.Clone(), wm = (float[])w.Clone();
            wp[i] += H;
            wm[i] -= H;
            double fd = (Loss(x, wp) - Loss(x, wm)) / (wp[i] - wm[i]);
            Assert.True(Math.Abs(fd - gw[i]) < 1e-3 * (1 + Math.Abs(fd)), $"dw[{i}]: fd {fd} vs {gw[i]}");
        }
    }
}
