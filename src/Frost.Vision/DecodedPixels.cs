using SkiaSharp;

namespace Frost.Vision;

/// <summary>Decoded RGBA bytes as stored in the file, read upright (EXIF orientation) and with alpha composited.</summary>
internal sealed class DecodedPixels : PixelSource
{
    private readonly byte[] _rgba;
    private readonly int _storedWidth;
    private readonly int _storedHeight;
    private readonly SKEncodedOrigin _origin;
    private readonly bool _opaque;
    private readonly float _bgR;
    private readonly float _bgG;
    private readonly float _bgB;

    public DecodedPixels(byte[] rgba, int storedWidth, int storedHeight, SKEncodedOrigin origin, bool opaque, (byte R, byte G, byte B) background)
    {
        _rgba = rgba;
        _storedWidth = storedWidth;
        _storedHeight = storedHeight;
        _origin = origin;
        _opaque = opaque;
        (_bgR, _bgG, _bgB) = (background.R, background.G, background.B);
        bool swap = (int)origin >= (int)SKEncodedOrigin.LeftTop;
        Width = swap ? storedHeight : storedWidth;
        Height = swap ? storedWidth : storedHeight;
    }

    public override int Width { get; }

    public override int Height { get; }

    public override void ReadRow(int y, int x0, int x1, Span<float> rgb)
    {
        int start = Stored(x0, y);
        int step = x1 - x0 > 1 ? Stored(x0 + 1, y) - start : 0;
        var px = _rgba.AsSpan();
        int k = 0;
        if (_opaque)
        {
            for (int x = x0, i = start; x < x1; x++, i += step)
            {
                int p = i * 4;
                rgb[k] = px[p];
                rgb[k + 1] = px[p + 1];
                rgb[k + 2] = px[p + 2];
                k += 3;
            }

            return;
        }

        for (int x = x0, i = start; x < x1; x++, i += step)
        {
            int p = i * 4;
            float a = px[p + 3] * (1f / 255f), b = 1f - a;
            rgb[k] = px[p] * a + _bgR * b;
            rgb[k + 1] = px[p + 1] * a + _bgG * b;
            rgb[k + 2] = px[p + 2] * a + _bgB * b;
            k += 3;
        }
    }

    /// <summary>The stored pixel index shown at upright position (x, y), per EXIF orientation.</summary>
    private int Stored(int x, int y)
    {
        int w = _storedWidth, h = _storedHeight;
        var (sx, sy) = _origin switch
        {
            SKEncodedOrigin.TopRight => (w - 1 - x, y),
            SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
            SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
            SKEncodedOrigin.LeftTop => (y, x),
            SKEncodedOrigin.RightTop => (y, h - 1 - x),
            SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
            SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
            _ => (x, y),
        };
        return sy * w + sx;
    }
}
