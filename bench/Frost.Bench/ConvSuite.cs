using System.Text.Json.Nodes;
using Frost.Kernels;

namespace Frost.Bench;

/// <summary>
/// Convolution forward and backward times for ResNet18 shapes at batch 16, each compared with the time its FLOPs take
/// at our SGEMM-1024 rate; the SGEMM reference runs in the same rounds, so the ratio survives a noisy machine.
/// </summary>
internal static class ConvSuite
{
    private const int Batch = 16;
    private const int RefN = 1024;

    private static readonly (string Name, Conv2DShape Shape)[] Shapes =
    [
        ("stem 3->64 7x7 s2 224", new Conv2DShape(Batch, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3)),
        ("64ch 56x56 3x3", Same(64, 56)),
        ("128ch 28x28 3x3", Same(128, 28)),
        ("256ch 14x14 3x3", Same(256, 14)),
        ("512ch 7x7 3x3", Same(512, 7)),
        ("64ch 16x16 3x3 b64", Same(64, 16, 64)),
        ("128ch 8x8 3x3 b64", Same(128, 8, 64)),
        ("256ch 4x4 3x3 b64", Same(256, 4, 64)),
        ("256->512 3x3 s2 4x4 b64", new Conv2DShape(64, 256, 4, 4, 512, 3, 3, 2, 2, 1, 1, 1, 1)),
        ("512ch 2x2 3x3 b64", Same(512, 2, 64)),
    ];

    public static void Run(Timer timer, Report report)
    {
        int threads = KernelOptions.MaxThreads;
        var rng = new Random(7);
        float[] ra = GemmSuite.RandomArray(rng, RefN * RefN), rb = GemmSuite.RandomArray(rng, RefN * RefN), rc = new float[RefN * RefN];
        const double RefFlops = 2.0 * RefN * RefN * RefN;
        void Reference() => Gemm.Sgemm(false, false, RefN, RefN, RefN, 1f, ra, RefN, rb, RefN, 0f, rc, RefN);

        Console.WriteLine($"Conv2D, batch {Batch}, threads = {threads}; times are medians over rounds.");
        Console.WriteLine("ratio = time / (the op's FLOPs at our SGEMM-1024 rate), median over rounds, with the SGEMM run in each round.");
        Console.WriteLine("fwd+bwd = forward + input gradient + weight and bias gradients (3x the forward FLOPs).");
        var table = new Table("shape", "fwd ms", "fwd GF/s", "fwd ratio", "bwd-in ms", "bwd-w ms", "fwd+bwd ms", "GF/s", "ratio", "sgemm GF/s");
        foreach (var (name, s) in Shapes)
        {
            float[] x = GemmSuite.RandomArray(rng, s.InputLength), w = GemmSuite.RandomArray(rng, s.WeightLength);
            float[] b = GemmSuite.RandomArray(rng, s.OutChannels), y = new float[s.OutputLength], dy = GemmSuite.RandomArray(rng, s.OutputLength);
            float[] dx = new float[s.InputLength], dw = new float[s.WeightLength], db = new float[s.OutChannels];
            double fwdFlops = 2.0 * s.MultiplyAdds;
            double[][] t = timer.Interleaved(
                name,
                () => Conv2DKernel.Forward(s, x, w, b, y),
                () => Conv2DKernel.BackwardInput(s, dy, w, dx),
                () => Conv2DKernel.BackwardWeight(s, x, dy, dw, db),
                Reference);
            int rounds = t[0].Length;
            double Ideal(int i, double flops) => flops / (RefFlops / t[3][i]);
            double fwd = Stats.Median(t[0]), bin = Stats.Median(t[1]), bw = Stats.Median(t[2]);
            double all = Stats.MedianOf(rounds, i => t[0][i] + t[1][i] + t[2][i]);
            double fwdRatio = Stats.MedianOf(rounds, i => t[0][i] / Ideal(i, fwdFlops));
            double allRatio = Stats.MedianOf(rounds, i => (t[0][i] + t[1][i] + t[2][i]) / Ideal(i, 3 * fwdFlops));
            double refRate = RefFlops / Stats.Median(t[3]) / 1e9;
            table.Add(name, Table.F(fwd * 1e3), Table.F(fwdFlops / fwd / 1e9), Table.F(fwdRatio, 2), Table.F(bin * 1e3), Table.F(bw * 1e3),
                Table.F(all * 1e3), Table.F(3 * fwdFlops / all / 1e9), Table.F(allRatio, 2), Table.F(refRate));
            report.AddRow("conv", new JsonObject
            {
                ["name"] = name,
                ["batch"] = Batch,
                ["rounds"] = rounds,
                ["fwd_ms"] = fwd * 1e3,
                ["bwd_input_ms"] = bin * 1e3,
                ["bwd_weight_ms"] = bw * 1e3,
                ["fwd_bwd_ms"] = all * 1e3,
                ["fwd_gflop"] = fwdFlops / 1e9,
                ["fwd_ratio"] = fwdRatio,
                ["fwd_bwd_ratio"] = allRatio,
                ["sgemm1024_gflops"] = refRate,
                ["background"] = timer.LastLoad.ToJson(),
            });
        }

        table.Print();
    }

    private static Conv2DShape Same(int channels, int size, int batch = Batch) =>
        new(batch, channels, size, size, channels, 3, 3, 1, 1, 1, 1, 1, 1);
}
