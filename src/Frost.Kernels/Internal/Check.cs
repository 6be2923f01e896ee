namespace Frost.Kernels.Internal;

/// <summary>Argument validation shared by the kernels; every message names the kernel.</summary>
internal static class Check
{
    /// <summary>Throws unless <paramref name="actual"/> is at least <paramref name="expected"/> elements.</summary>
    public static void AtLeast(string kernel, string name, int actual, long expected)
    {
        if (actual < expected)
        {
            throw new ArgumentException(
                $"{kernel}: '{name}' needs at least {expected} elements for this shape, got {actual}.", name);
        }
    }

    /// <summary>Throws unless the span length equals <paramref name="expected"/>.</summary>
    public static void Exactly(string kernel, string name, int actual, long expected)
    {
        if (actual != expected)
        {
            throw new ArgumentException(
                $"{kernel}: '{name}' must have {expected} elements for this shape, got {actual}.", name);
        }
    }

    /// <summary>Throws unless the span is empty or its length equals <paramref name="expected"/>.</summary>
    public static void EmptyOrExactly(string kernel, string name, int actual, long expected)
    {
        if (actual != 0 && actual != expected)
        {
            throw new ArgumentException(
                $"{kernel}: '{name}' must be empty or have {expected} elements for this shape, got {actual}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is non-negative.</summary>
    public static void NonNegative(string kernel, string name, long value)
    {
        if (value < 0)
        {
            throw new ArgumentException($"{kernel}: '{name}' must be non-negative, got {value}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is positive.</summary>
    public static void Positive(string kernel, string name, long value)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{kernel}: '{name}' must be positive, got {value}.", name);
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> with the given message prefixed by the kernel name.</summary>
    public static void Fail(string kernel, string message, string? paramName = null) =>
        throw new ArgumentException($"{kernel}: {message}", paramName);

    /// <summary>Returns the product of the factors, throwing if it does not fit an <see cref="int"/> span length.</summary>
    public static long Size(string kernel, params ReadOnlySpan<long> factors)
    {
        long size = 1;
        foreach (long f in factors)
        {
            size = checked(size * f);
        }

        if (size > int.MaxValue)
        {
            throw new ArgumentException($"{kernel}: tensor of {size} elements exceeds the span limit.");
        }

        return size;
    }
}
