namespace Frost.Optimizers;

/// <summary>An optimizer rule applied to aligned ranges of parameter, gradient and two state buffers.</summary>
internal interface IUpdateRule
{
    void Apply(Span<float> p, ReadOnlySpan<float> g, Span<float> a, Span<float> b);
}

/// <summary>Runs an update rule over a variable, split across threads for large variables.</summary>
internal static class ElementwiseUpdate
{
    private const int Chunk = 1 << 16;

    public static unsafe void Run<TRule>(Span<float> p, ReadOnlySpan<float> g, Span<float> a, Span<float> b, TRule rule)
        where TRule : struct, IUpdateRule
    {
        int n = p.Length;
        int threads = Math.Min(Kernels.KernelOptions.MaxThreads, n / Chunk);
        if (threads <= 1)
        {
            rule.Apply(p, g, a, b);
            return;
        }

        // NOTE: elementwise and independent per element, so any split gives bit-identical results.
        fixed (float* pp = p, gp = g, ap = a, bp = b)
        {
            nint pa = (nint)pp, ga = (nint)gp, aa = (nint)ap, ba = (nint)bp;
            bool hasA = a.Length > 0, hasB = b.Length > 0;
            int chunks = (n + Chunk - 1) / Chunk;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
            {
                int start = c * Chunk, len = Math.Min(Chunk, n - start);
                rule.Apply(
                    new Span<float>((float*)pa + start, len),
                    new ReadOnlySpan<float>((float*)ga + start, len),
                    hasA ? new Span<float>((float*)aa + start, len) : default,
                    hasB ? new Span<float>((float*)ba + start, len) : default);
            });
        }
    }
}
