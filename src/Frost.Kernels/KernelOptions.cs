namespace Frost.Kernels;

/// <summary>Process-wide settings for the kernels.</summary>
public static class KernelOptions
{
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>Number of threads a kernel may use; defaults to the processor count, at least 1.</summary>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_maxThreads = value;
        }
    }
}
