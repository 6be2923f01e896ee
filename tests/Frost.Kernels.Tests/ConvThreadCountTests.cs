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
        int saved = KernelOptions.MaxThreads;
        try
        {
            KernelOptions.MaxThreads = 4;
            var checks = new ConvTests();
            checks.Forward_matches_reference(spec);
            checks.Backward_matches_reference(spec);
        }
        finally
        {
            KernelOptions.MaxThreads = saved;
        }
    }
}
