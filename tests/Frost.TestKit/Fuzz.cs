namespace Frost.TestKit;

/// <summary>
/// Case counts and mutations for the parsers' fuzz tests. The normal suite runs a few thousand cases; setting
/// FROST_FUZZ_CASES=N runs N cases per parser instead (the long run).
/// </summary>
public static class Fuzz
{
    /// <summary>FROST_FUZZ_CASES when set to a positive number, else <paramref name="normal"/>.</summary>
    public static int Cases(int normal)
        => int.TryParse(Environment.GetEnvironmentVariable("FROST_FUZZ_CASES"), out int n) && n > 0 ? n : normal;

    /// <summary>The seed of a run: FROST_FUZZ_SEED when set, else <paramref name="normal"/>.</summary>
    public static ulong Seed(ulong normal)
        => ulong.TryParse(Environment.GetEnvironmentVariable("FROST_FUZZ_SEED"), out ulong s) ? s : normal;

    /// <summary>Flips 1–3 random bits of <paramref name="bytes"/> within [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static void FlipBits(byte[] bytes, Rng rng, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(rng);
        if (to <= from)
        {
            return;
        }

        int flips = 1 + rng.NextInt(3);
        for (int i = 0; i < flips; i++)
        {
            bytes[from + rng.NextInt(to - from)] ^= (byte)(1 << rng.NextInt(8));
        }
    }

    /// <summary>Sets 1–3 random bytes within [<paramref name="from"/>, <paramref name="to"/>) to random values.</summary>
    public static void SetBytes(byte[] bytes, Rng rng, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(rng);
        if (to <= from)
        {
            return;
        }

        int n = 1 + rng.NextInt(3);
        for (int i = 0; i < n; i++)
        {
            bytes[from + rng.NextInt(to - from)] = (byte)rng.NextInt(256);
        }
    }

    /// <summary>Replaces some ASCII digits within [<paramref name="from"/>, <paramref name="to"/>) with other digits (sizes, offsets, shapes).</summary>
    public static void EditDigits(byte[] bytes, Rng rng, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(rng);
        bool changed = false;
        for (int k = from; k < to; k++)
        {
            if (char.IsAsciiDigit((char)bytes[k]) && rng.NextInt(12) == 0)
            {
                bytes[k] = (byte)('0' + rng.NextInt(10));
                changed = true;
            }
        }

        if (!changed)
        {
            SetBytes(bytes, rng, from, to);
        }
    }

    /// <summary>A prefix of <paramref name="bytes"/> of random length (possibly empty).</summary>
    public static byte[] Truncate(byte[] bytes, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(rng);
        return bytes[..rng.NextInt(Math.Max(1, bytes.Length))];
    }

    /// <summary>A size a lying header might claim: small, near a power of two, or huge.</summary>
    public static ulong LyingSize(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return rng.NextInt(4) switch
        {
            0 => (ulong)rng.NextInt(1 << 16),
            1 => (1UL << rng.NextInt(64)) + (ulong)rng.NextInt(3) - 1,
            2 => ulong.MaxValue - (ulong)rng.NextInt(1 << 10),
            _ => (ulong)rng.NextInt(int.MaxValue) * (ulong)(1 + rng.NextInt(1 << 20)),
        };
    }

    /// <summary>Runs <paramref name="body"/> and fails if it takes longer than <paramref name="limit"/> (a hang).</summary>
    public static T WithinTime<T>(TimeSpan limit, string what, Func<T> body)
    {
        var task = Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!task.Wait(limit))
        {
            throw new TimeoutException($"{what} did not finish within {limit.TotalSeconds:F0} s (a hang).");
        }

        return task.Result;
    }

    /// <summary>
    /// Ends the process with a message naming <paramref name="what"/>() if not disposed within
    /// <paramref name="limit"/>: a parser that hangs on a fuzz case stops the run and says which case.
    /// </summary>
    public static IDisposable Watchdog(TimeSpan limit, Func<string> what)
        => new Timer(_ => Environment.FailFast($"fuzz case {what()} did not finish within {limit.TotalSeconds:F0} s (a hang)."), null, limit, Timeout.InfiniteTimeSpan);
}
