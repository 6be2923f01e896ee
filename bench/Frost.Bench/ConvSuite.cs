namespace Frost.Bench;

/// <summary>Convolution forward and backward times for ResNet18 shapes.</summary>
internal static class ConvSuite
{
    public static void Run(Timer timer, Report report)
    {
        _ = timer;
        _ = report;
        Console.WriteLine("conv: not yet implemented");
    }
}
