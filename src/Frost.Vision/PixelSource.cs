namespace Frost.Vision;

/// <summary>An upright RGB image on the 0..255 scale that can be read one row at a time.</summary>
internal abstract class PixelSource
{
    /// <summary>Width as displayed (after orientation).</summary>
    public abstract int Width { get; }

    /// <summary>Height as displayed (after orientation).</summary>
    public abstract int Height { get; }

    /// <summary>Writes pixels <paramref name="x0"/>..<paramref name="x1"/>-1 of row <paramref name="y"/> as interleaved R, G, B floats.</summary>
    public abstract void ReadRow(int y, int x0, int x1, Span<float> rgb);
}
