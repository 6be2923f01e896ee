namespace Frost.Vision;

/// <summary>
/// torchvision's <c>ColorJitter</c> on [3, H, W] planes on the 0..255 scale: brightness, contrast, saturation
/// and hue adjustments in a random order, each clamped to [0, 255]. Grey is 0.2989 R + 0.587 G + 0.114 B.
/// </summary>
internal readonly struct ColorJitter
{
    private const int BrightnessOp = 0, ContrastOp = 1, SaturationOp = 2, HueOp = 3;

    private readonly int[] _order;
    private readonly float _brightness;
    private readonly float _contrast;
    private readonly float _saturation;
    private readonly float _hue;

    private ColorJitter(int[] order, float brightness, float contrast, float saturation, float hue)
    {
        (_order, _brightness, _contrast, _saturation, _hue) = (order, brightness, contrast, saturation, hue);
    }

    /// <summary>A jitter with the given order (0 brightness, 1 contrast, 2 saturation, 3 hue) and factors.</summary>
    internal static ColorJitter Create(int[] order, float brightness, float contrast, float saturation, float hue)
        => new(order, brightness, contrast, saturation, hue);

    /// <summary>Draws the order and the factors for one example; factors of disabled adjustments are neutral.</summary>
    public static ColorJitter Draw(ImageAugmentation a, Rng rng)
    {
        var order = rng.Permutation(4);
        float Factor(double j) => j > 0 ? (float)(Math.Max(0, 1 - j) + rng.NextDouble() * (1 + j - Math.Max(0, 1 - j))) : 1f;
        float b = Factor(a.Brightness), c = Factor(a.Contrast), s = Factor(a.Saturation);
        float h = a.Hue > 0 ? (float)((rng.NextDouble() * 2 - 1) * a.Hue) : 0f;
        return new ColorJitter(order, b, c, s, h);
    }

    /// <summary>Adjusts the three planes of <paramref name="image"/> (each <paramref name="plane"/> long) in place.</summary>
    public void Apply(Span<float> image, int plane)
    {
        var r = image[..plane];
        var g = image.Slice(plane, plane);
        var b = image.Slice(2 * plane, plane);
        foreach (int op in _order)
        {
            switch (op)
            {
                case BrightnessOp when _brightness != 1f:
                    for (int i = 0; i < plane; i++)
                    {
                        r[i] = Clamp(r[i] * _brightness);
                        g[i] = Clamp(g[i] * _brightness);
                        b[i] = Clamp(b[i] * _brightness);
                    }

                    break;
                case ContrastOp when _contrast != 1f:
                    double sum = 0;
                    for (int i = 0; i < plane; i++)
                    {
                        sum += Grey(r[i], g[i], b[i]);
                    }

                    Blend(r, g, b, _contrast, (float)(sum / plane), perPixel: false);
                    break;
                case SaturationOp when _saturation != 1f:
                    Blend(r, g, b, _saturation, 0f, perPixel: true);
                    break;
                case HueOp when _hue != 0f:
                    for (int i = 0; i < plane; i++)
                    {
                        ShiftHue(ref r[i], ref g[i], ref b[i], _hue);
                    }

                    break;
            }
        }
    }

    private static float Grey(float r, float g, float b) => 0.2989f * r + 0.587f * g + 0.114f * b;

    private static float Clamp(float v) => Math.Clamp(v, 0f, 255f);

    /// <summary>x ← clamp(f·x + (1 − f)·m), m the image mean grey, or each pixel's own grey when <paramref name="perPixel"/>.</summary>
    private static void Blend(Span<float> r, Span<float> g, Span<float> b, float f, float mean, bool perPixel)
    {
        for (int i = 0; i < r.Length; i++)
        {
            float m = (1 - f) * (perPixel ? Grey(r[i], g[i], b[i]) : mean);
            r[i] = Clamp(f * r[i] + m);
            g[i] = Clamp(f * g[i] + m);
            b[i] = Clamp(f * b[i] + m);
        }
    }

    /// <summary>Turns the hue by <paramref name="shift"/> of a full turn (through HSV, as torchvision).</summary>
    private static void ShiftHue(ref float r, ref float g, ref float b, float shift)
    {
        float max = MathF.Max(r, MathF.Max(g, b)), min = MathF.Min(r, MathF.Min(g, b));
        float chroma = max - min;
        if (chroma <= 0)
        {
            return; // grey has no hue
        }

        float h;
        if (max == r)
        {
            h = (g - b) / chroma;
        }
        else if (max == g)
        {
            h = 2 + (b - r) / chroma;
        }
        else
        {
            h = 4 + (r - g) / chroma;
        }

        h = h / 6 + shift;
        h -= MathF.Floor(h);
        float s = chroma / max, v = max;
        float h6 = h * 6;
        int sector = Math.Min(5, (int)h6);
        float f = h6 - sector;
        float p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        (r, g, b) = sector switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }
}
