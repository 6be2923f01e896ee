namespace Frost.Vision;

/// <summary>Turns one example into [3, Size, Size] floats: the evaluation transform, or the training augmentation.</summary>
internal static class ExampleTransform
{
    /// <summary>
    /// Writes example <paramref name="index"/> of <paramref name="data"/> into <paramref name="destination"/>
    /// (3 · Size · Size floats). With <paramref name="augment"/>, the random draws come from
    /// <see cref="ExampleRng"/>(seed, epoch, index) only.
    /// </summary>
    public static void Build(ImageDataset data, int index, bool augment, int epoch, DecodeContext context, Span<float> destination)
    {
        var o = context.Options;
        int size = o.Size;
        using var image = data.Open(index, context);
        int w = image.Width, h = image.Height;
        var box = CenterBox(w, h, o.CenterCropFraction);
        bool flip = false;
        ColorJitter? jitter = null;
        if (augment)
        {
            var a = o.Augmentation;
            var rng = ExampleRng(o.Seed, epoch, index);
            if (a.RandomResizedCrop)
            {
                box = RandomResizedCrop(w, h, a.Scale, a.Ratio, rng);
            }

            flip = rng.NextDouble() < a.FlipProbability;
            if (a.HasColorJitter)
            {
                jitter = ColorJitter.Draw(a, rng);
            }
        }

        double minScale = Math.Min(1, Math.Max(size / box.Width, size / box.Height));
        var pixels = image.Load(minScale);
        double sx = (double)pixels.Width / w, sy = (double)pixels.Height / h;
        context.Resampler.Run(pixels, box.Left * sx, box.Top * sy, box.Width * sx, box.Height * sy, size, size, flip, destination);
        jitter?.Apply(destination, size * size);
    }

    /// <summary>The generator of example <paramref name="index"/>'s draws in <paramref name="epoch"/>: a pure function of the three.</summary>
    public static Rng ExampleRng(ulong seed, int epoch, int index)
    {
        ulong h = Mix(seed ^ 0x6A09E667F3BCC909UL);
        h = Mix(h ^ (uint)epoch);
        h = Mix(h ^ ((ulong)(uint)index << 32 | 0x5BE0CD19UL));
        return new Rng(h);
    }

    /// <summary>The centred square whose side is <paramref name="fraction"/> of the shorter side.</summary>
    public static Box CenterBox(int width, int height, double fraction)
    {
        double side = Math.Min(width, height) * fraction;
        return new Box((width - side) / 2, (height - side) / 2, side, side);
    }

    /// <summary>torchvision's <c>RandomResizedCrop.get_params</c>: ten tries at a box of random area and aspect, then a central crop.</summary>
    public static Box RandomResizedCrop(int width, int height, (double Min, double Max) scale, (double Min, double Max) ratio, Rng rng)
    {
        double area = (double)width * height;
        double logLo = Math.Log(ratio.Min), logHi = Math.Log(ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (scale.Min + rng.NextDouble() * (scale.Max - scale.Min));
            double aspect = Math.Exp(logLo + rng.NextDouble() * (logHi - logLo));
            int w = (int)Math.Round(Math.Sqrt(target * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(target / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = rng.NextInt(height - h + 1);
                int left = rng.NextInt(width - w + 1);
                return new Box(left, top, w, h);
            }
        }

        double inRatio = (double)width / height;
        int cw = width, ch = height;
        if (inRatio < ratio.Min)
        {
            ch = (int)Math.Round(cw / ratio.Min, MidpointRounding.ToEven);
        }
        else if (inRatio > ratio.Max)
        {
            cw = (int)Math.Round(ch * ratio.Max, MidpointRounding.ToEven);
        }

        return new Box((width - cw) / 2, (height - ch) / 2, cw, ch);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A box in upright source pixels.</summary>
    internal readonly record struct Box(double Left, double Top, double Width, double Height);
}
