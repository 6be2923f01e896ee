namespace Frost.Kernels.Tests;

/// <summary>
/// Convolutions split over more tasks than this machine may have cores: weight gradients then sum three or more
/// per-task partials (columns path) or gather and transpose four (wide path). Runs alone, since it changes
/// <see cref="KernelOptions.MaxThreads"/> for the process.
/// </summary>
[Collection(nameof(ExclusivePool))]
public class ConvThreadCountTests
{
    [Theory]
    // Each has at least 4 × 2^21 multiply-adds, so the kernels use all 4 threads, one task per two images.
    [InlineData("8,64,8,8,64,3,3,1,1,1,1,1,1,1,1,1")]     // columns path for the weight gradient, row tables forward
    [InlineData("8,32,20,20,32,3,3,1,1,1,1,1,1,1,1,1")]   // wide path
    [InlineData("8,128,9,9,128,3,3,2,2,1,1,1,1,1,1,2")]   // strided, groups 2: stacked input-gradient images
    public void Four_tasks_match_the_reference(string spec)
    {
        int[] v = spec.Split(',').Select(int.Parse).ToArray();
        var s = new Conv2DShape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
        var rng = new Random(TestData.Seed(spec));
        float[] x = TestData.Random(rng, s.InputLength), w = TestData.Random(rng, s.WeightLength), b = TestData.Random(rng, s.OutChannels);
        float[] dy = TestData.Random(rng, s.OutputLength);
        var (expected, mag) = ConvReference.Forward(s, x, w, b);
        var (dx, dxm, dw, dwm, db, dbm) = ConvReference.Backward(s, x, w, dy);
        int saved = KernelOptions.MaxThreads;
        try
        {
            KernelOptions.MaxThreads = 4;
            var y = new float[s.OutputLength];
            Conv2DKernel.Forward(s, x, w, b, y);
            ConvReference.AssertClose(expected, mag, y, $"forward {s}");
            float[] gx = TestData.Random(rng, s.InputLength), gw = TestData.Random(rng, s.WeightLength), gb = TestData.Random(rng, s.OutChannels);
            Conv2DKernel.BackwardInput(s, dy, w, gx);
            ConvReference.AssertClose(dx, dxm, gx, $"backward input {s}");
            Conv2DKernel.BackwardWeight(s, x, dy, gw, gb);
            ConvReference.AssertClose(dw, dwm, gw, $"backward weight {s}");
            ConvReference.AssertClose(db, dbm, gb, $"backward bias {s}");
        }
        finally
        {
            KernelOptions.MaxThreads = saved;
        }
    }
}
