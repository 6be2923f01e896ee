using Frost.Kernels.Convolution;

namespace Frost.Kernels.Tests;

/// <summary>
/// Convolutions split over more tasks than this machine may have cores: weight gradients then sum three or more
/// per-task partials (columns path) or gather and transpose four (wide path), and Winograd's chunks and products go
/// to four threads. Runs alone, since it changes <see cref="KernelOptions.MaxThreads"/> for the process.
/// </summary>
[Collection(nameof(ExclusivePool))]
public class ConvThreadCountTests
{
    [Theory]
    // Each has at least 4 × 2^21 multiply-adds, so the kernels use all 4 threads.
    [InlineData("8,64,8,8,64,3,3,1,1,1,1,1,1,1,1,1", false)]     // columns path for the weight gradient, row tables forward
    [InlineData("8,32,20,20,32,3,3,1,1,1,1,1,1,1,1,1", false)]   // wide path
    [InlineData("8,128,9,9,128,3,3,2,2,1,1,1,1,1,1,2", false)]   // strided, groups 2: stacked input-gradient images
    [InlineData("8,64,8,8,64,3,3,1,1,1,1,1,1,1,1,1", true)]      // Winograd, two images per chunk, a chunk per thread
    [InlineData("1,64,24,24,64,3,3,1,1,1,1,1,1,1,1,1", true)]    // Winograd, one image: one chunk, threaded products
    [InlineData("16,256,4,4,256,3,3,1,1,1,1,1,1,1,1,1", true)]   // Winograd weight gradient: 16 products over 4 threads
    [InlineData("3,64,9,9,70,3,3,1,1,1,1,1,1,1,1,1", true)]      // a 64-channel Winograd weight gradient, K not a multiple of 8
    [InlineData("11,72,5,6,64,3,3,1,1,1,1,1,1,1,1,1", true)]     // a batch that does not split evenly over 4 threads
    [InlineData("3,64,28,29,64,3,3,1,1,1,1,1,1,1,1,1", true)]    // Winograd F(4x4), three images over 4 threads
    [InlineData("8,64,14,16,72,3,3,1,1,1,1,1,1,1,1,1", true)]    // the F(4x4) weight gradient: 36 products over 4 threads
    public void Four_tasks_match_the_reference(string spec, bool winograd) => WithPaths(4, winograd, null, spec);

    [Theory]
    [InlineData("4,32,12,12,32,3,3,1,1,1,1,1,1,1,1,1")]   // the paths Winograd replaces: images split over threads
    [InlineData("3,32,12,13,40,3,3,1,1,1,1,1,1,1,1,1")]   // batch that does not split evenly: threaded GEMMs
    [InlineData("6,256,5,7,260,3,3,1,1,1,1,1,1,1,1,1")]   // a weight gradient on the columns path
    public void Direct_paths_match_the_reference_where_Winograd_would_run(string spec) =>
        WithPaths(KernelOptions.MaxThreads, winograd: false, null, spec);

    [Theory]
    [InlineData("4,32,12,12,32,3,3,1,1,1,1,1,1,1,1,1")]   // one image per chunk, chunks over threads
    [InlineData("3,40,6,9,32,3,3,1,1,0,2,1,0,1,1,1")]     // asymmetric pads
    [InlineData("6,256,5,7,260,3,3,1,1,1,1,1,1,1,1,1")]   // weight gradient summed over six chunks
    [InlineData("3,32,28,30,40,3,3,1,1,1,1,1,1,1,1,1")]   // F(4x4) forward and input gradient in small chunks
    [InlineData("8,64,14,16,72,3,3,1,1,1,1,1,1,1,1,1")]   // F(4x4) weight gradient summed over eight chunks
    public void Winograd_in_many_small_chunks_matches_the_reference(string spec) =>
        WithPaths(KernelOptions.MaxThreads, winograd: true, 4096, spec);

    [Theory]
    [InlineData("9,64,7,7,72,3,3,1,1,1,1,1,1,1,1,1")]     // forward chunks that do not split evenly; weight gradient from 64 channels
    [InlineData("12,64,16,16,64,3,3,1,1,1,1,1,1,1,1,1")]
    [InlineData("4,128,6,6,128,3,3,1,1,1,1,1,1,1,1,1")]
    [InlineData("5,32,28,29,64,3,3,1,1,1,1,1,1,1,1,1")]   // F(4x4) forward and input gradient
    public void Winograd_gives_the_same_bits_on_one_and_four_threads(string spec)
    {
        Conv2DShape s = ConvTests.Parse(spec);
        var rng = new Random(TestData.Seed(spec));
        float[] x = TestData.Random(rng, s.InputLength), w = TestData.Random(rng, s.WeightLength), dy = TestData.Random(rng, s.OutputLength);
        float[][] Run(int threads)
        {
            int saved = KernelOptions.MaxThreads;
            try
            {
                KernelOptions.MaxThreads = threads;
                float[] y = new float[s.OutputLength], dx = new float[s.InputLength], dw = new float[s.WeightLength], db = new float[s.OutChannels];
                Conv2DKernel.Forward(s, x, w, [], y);
                Conv2DKernel.BackwardInput(s, dy, w, dx);
                Conv2DKernel.BackwardWeight(s, x, dy, dw, db);
                return [y, dx, dw, db];
            }
            finally
            {
                KernelOptions.MaxThreads = saved;
            }
        }

        float[][] one = Run(1), four = Run(4);
        string[] names = ["forward", "input gradient", "weight gradient", "bias gradient"];
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(one[i].AsSpan().SequenceEqual(four[i]), $"{names[i]} of {s}: the bits differ between 1 and 4 threads");
        }
    }

    private static void WithPaths(int threads, bool winograd, long? chunkFloats, string spec)
    {
        int savedThreads = KernelOptions.MaxThreads, savedPlane = Winograd.MaxPlane;
        long savedChunk = Winograd.ChunkFloats;
        try
        {
            KernelOptions.MaxThreads = threads;
            Winograd.MaxPlane = winograd ? savedPlane : 0;
            Winograd.ChunkFloats = chunkFloats ?? savedChunk;
            var checks = new ConvTests();
            checks.Forward_matches_reference(spec);
            checks.Backward_matches_reference(spec);
        }
        finally
        {
            KernelOptions.MaxThreads = savedThreads;
            Winograd.MaxPlane = savedPlane;
            Winograd.ChunkFloats = savedChunk;
        }
    }
}
