namespace Frost.Kernels.Tests;

public class AllocationTests
{
    [Fact]
    public void Kernels_do_not_allocate_in_steady_state()
    {
        var rng = new Random(1);
        var conv = new Conv2DShape(4, 16, 12, 12, 24, 3, 3, 1, 1, 1, 1, 1, 1);
        var strided = new Conv2DShape(2, 8, 15, 15, 16, 3, 3, 2, 2, 1, 1, 1, 1);
        var pool = new Pool2DShape(4, 16, 12, 12, 3, 3, 2, 2, 1, 1, 1, 1);
        float[] x = TestData.Random(rng, conv.InputLength), w = TestData.Random(rng, conv.WeightLength), y = new float[conv.OutputLength];
        float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[conv.OutChannels];
        float[] xs = TestData.Random(rng, strided.InputLength), ws = TestData.Random(rng, strided.WeightLength), ys = new float[strided.OutputLength];
        float[] a = TestData.Random(rng, 300 * 200), b = TestData.Random(rng, 200 * 100), c = new float[300 * 100];
        float[] py = new float[pool.OutputLength], pdx = new float[pool.InputLength];
        int[] arg = new int[pool.OutputLength];
        float[] stats = new float[16], stats2 = new float[16], rm = new float[16], rv = new float[16];
        void All()
        {
            Gemm.Sgemm(false, true, 300, 100, 200, 1f, a, 200, b, 200, 0f, c, 100);
            Conv2DKernel.Forward(conv, x, w, db, y);
            Conv2DKernel.BackwardInput(conv, y, w, dx);
            Conv2DKernel.BackwardWeight(conv, x, y, dw, db);
            Conv2DKernel.Forward(strided, xs, ws, [], ys);
            Conv2DKernel.BackwardInput(strided, ys, ws, xs);
            Pool2DKernel.MaxForward(pool, x, py, arg);
            Pool2DKernel.MaxBackward(pool, py, arg, pdx);
            Pool2DKernel.AvgForward(pool, x, py);
            BatchNormKernel.ForwardTraining(4, 16, 144, x, [], [], 1e-5f, 0.1f, rm, rv, dx, stats, stats2, relu: true);
            BatchNormKernel.BackwardTraining(4, 16, 144, x, y.AsSpan(0, x.Length), [], stats, stats2, dx, pdx, [], []);
        }

        All();
        All();
        long before = GC.GetAllocatedBytesForCurrentThread();
        All();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
