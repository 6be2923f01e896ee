namespace Frost.Vision;

/// <summary>
/// One example opened for reading: its upright size is known (from the header, for files) before any
/// pixel buffer is allocated; <see cref="Load"/> then decodes it.
/// </summary>
internal abstract class ImageHandle : IDisposable
{
    /// <summary>Upright width at full resolution.</summary>
    public abstract int Width { get; }

    /// <summary>Upright height at full resolution.</summary>
    public abstract int Height { get; }

    /// <summary>
    /// The pixels, possibly at a reduced resolution no smaller than <paramref name="minScale"/> of the full
    /// one in both directions (a source that cannot reduce returns full resolution).
    /// </summary>
    public abstract PixelSource Load(double minScale);

    /// <summary>Releases the decoder; the pixels returned by <see cref="Load"/> stay readable only until the next example.</summary>
    public abstract void Dispose();
}
