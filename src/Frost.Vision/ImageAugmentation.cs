namespace Frost.Vision;

/// <summary>
/// Random transforms applied to training examples, with torchvision's semantics: a random resized crop, a
/// horizontal flip, then colour jitter. The draws for example <c>i</c> in epoch <c>e</c> come from a generator
/// seeded by (<see cref="ImagePipelineOptions.Seed"/>, e, i) alone, so they do not depend on threads or on
/// which examples ran before.
/// </summary>
public sealed record ImageAugmentation
{
    /// <summary>Random resized crop and horizontal flip, no colour jitter (the default).</summary>
    public static ImageAugmentation Default { get; } = new();

    /// <summary>No random transform: training examples get the evaluation transform.</summary>
    public static ImageAugmentation None { get; } = new() { RandomResizedCrop = false, FlipProbability = 0 };

    /// <summary>
    /// Crop a random box whose area is a uniform fraction in <see cref="Scale"/> of the image and whose
    /// aspect ratio (width / height) is log-uniform in <see cref="Ratio"/>, then resize it to the output
    /// size (torchvision <c>RandomResizedCrop</c>: 10 tries, then a central crop). When false, training
    /// examples get the evaluation crop.
    /// </summary>
    public bool RandomResizedCrop { get; init; } = true;

    /// <summary>Range of the crop's area as a fraction of the image's; default (0.08, 1).</summary>
    public (double Min, double Max) Scale { get; init; } = (0.08, 1.0);

    /// <summary>Range of the crop's aspect ratio (width / height); default (3/4, 4/3).</summary>
    public (double Min, double Max) Ratio { get; init; } = (3.0 / 4.0, 4.0 / 3.0);

    /// <summary>Probability of mirroring an example left to right; default 0.5.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Brightness jitter b: pixels are multiplied by a factor uniform in [max(0, 1 − b), 1 + b]; 0 = off.</summary>
    public double Brightness { get; init; }

    /// <summary>Contrast jitter c: pixels move toward (factor &lt; 1) or away from the image's mean grey by a factor uniform in [max(0, 1 − c), 1 + c]; 0 = off.</summary>
    public double Contrast { get; init; }

    /// <summary>Saturation jitter s: each pixel moves toward or away from its own grey by a factor uniform in [max(0, 1 − s), 1 + s]; 0 = off.</summary>
    public double Saturation { get; init; }

    /// <summary>Hue jitter h in [0, 0.5]: the hue turns by a uniform amount in [−h, h] of a full turn; 0 = off.</summary>
    public double Hue { get; init; }

    /// <summary>
    /// Whether no random transform is on, so augmented reads equal evaluation reads (a cache of a frozen
    /// prefix's outputs is then valid for training too).
    /// </summary>
    public bool IsIdentity => !RandomResizedCrop && FlipProbability == 0 && !HasColorJitter;

    /// <summary>Whether any colour jitter is on.</summary>
    public bool HasColorJitter => Brightness > 0 || Contrast > 0 || Saturation > 0 || Hue > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    internal void Validate()
    {
        if (!(Scale.Min > 0 && Scale.Min <= Scale.Max && Scale.Max <= 1))
        {
            throw new ArgumentException($"ImageAugmentation.Scale ({Scale.Min}, {Scale.Max}) must satisfy 0 < min <= max <= 1.");
        }

        if (!(Ratio.Min > 0 && Ratio.Min <= Ratio.Max && double.IsFinite(Ratio.Max)))
        {
            throw new ArgumentException($"ImageAugmentation.Ratio ({Ratio.Min}, {Ratio.Max}) must satisfy 0 < min <= max < infinity.");
        }

        if (!(FlipProbability >= 0 && FlipProbability <= 1))
        {
            throw new ArgumentException($"ImageAugmentation.FlipProbability {FlipProbability} must be in [0, 1].");
        }

        foreach (var (name, v) in new[] { ("Brightness", Brightness), ("Contrast", Contrast), ("Saturation", Saturation) })
        {
            if (!(v >= 0 && double.IsFinite(v)))
            {
                throw new ArgumentException($"ImageAugmentation.{name} {v} must be a finite value >= 0.");
            }
        }

        if (!(Hue >= 0 && Hue <= 0.5))
        {
            throw new ArgumentException($"ImageAugmentation.Hue {Hue} must be in [0, 0.5].");
        }
    }
}
