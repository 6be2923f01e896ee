namespace Frost.Vision;

/// <summary>
/// How examples become network inputs: RGB float [3, <see cref="Size"/>, <see cref="Size"/>] on the 0..255
/// scale, resized with antialiased bilinear interpolation (a triangle filter widened by the shrink factor,
/// half-pixel centres: Pillow's and torchvision's <c>antialias=True</c> bilinear).
/// </summary>
/// <remarks>
/// Evaluation transform: the centred square whose side is <see cref="CenterCropFraction"/> of the shorter
/// side, resized to <see cref="Size"/> in one step (torchvision's <c>Resize(Size / fraction)</c> +
/// <c>CenterCrop(Size)</c>). Training examples read with augmentation get <see cref="Augmentation"/>.
/// EXIF orientation is applied; greyscale becomes R = G = B; alpha is composited over
/// <see cref="Background"/>, because the colour stored under transparent pixels is arbitrary (often black) and
/// dropping alpha would show it. Embedded colour profiles are not applied (as Pillow and torchvision).
/// </remarks>
public sealed record ImagePipelineOptions
{
    /// <summary>The default limit on declared pixels: Pillow's <c>MAX_IMAGE_PIXELS</c> (89,478,485).</summary>
    public const long DefaultMaxPixels = 89_478_485;

    /// <summary>Output side length in pixels; default 224.</summary>
    public int Size { get; init; } = 224;

    /// <summary>Fraction of the shorter side kept by the evaluation centre crop, in (0, 1]; default 1 (torchvision's ImageNet habit is 0.875).</summary>
    public double CenterCropFraction { get; init; } = 1.0;

    /// <summary>Background threads that decode and transform; default the core count, at most 4.</summary>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Batches that may be decoded ahead of the one the consumer holds; default 3. About Prefetch + 1 batches are live at a time.</summary>
    public int Prefetch { get; init; } = 3;

    /// <summary>
    /// Reuse the memory of a batch's images for a later batch once the next batch is requested, so an epoch
    /// allocates only about <see cref="Prefetch"/> + 2 batches; default false. Only for consumers that are
    /// done with a batch (or copied what they keep) before asking for the next, as a training loop is.
    /// </summary>
    public bool RecycleBatches { get; init; }

    /// <summary>Random transforms for reads with augmentation on; default <see cref="ImageAugmentation.Default"/>.</summary>
    public ImageAugmentation Augmentation { get; init; } = ImageAugmentation.Default;

    /// <summary>Seed of the augmentation draws; with the epoch and the example index it fixes every draw.</summary>
    public ulong Seed { get; init; }

    /// <summary>What to do with a file that cannot be decoded; default <see cref="BadImagePolicy.Fail"/>.</summary>
    public BadImagePolicy BadImages { get; init; } = BadImagePolicy.Fail;

    /// <summary>Receives one line per skipped file, on the thread that reads the batches; null = silent.</summary>
    public Action<string>? OnWarning { get; init; }

    /// <summary>Largest declared width × height accepted, checked from the header before any pixel buffer is allocated.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Colour under transparent pixels; default white.</summary>
    public (byte R, byte G, byte B) Background { get; init; } = (255, 255, 255);

    /// <summary>
    /// Decode JPEGs that are much larger than needed at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling, as
    /// Pillow's <c>draft</c>), never below the resolution the resize needs; default true. Much faster for
    /// camera photos; values differ slightly from a full decode.
    /// </summary>
    public bool ReducedJpegDecoding { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    internal void Validate()
    {
        if (Size is < 1 or > 4096)
        {
            throw new ArgumentException($"ImagePipelineOptions.Size {Size} must be in 1..4096.");
        }

        if (!(CenterCropFraction > 0 && CenterCropFraction <= 1))
        {
            throw new ArgumentException($"ImagePipelineOptions.CenterCropFraction {CenterCropFraction} must be in (0, 1].");
        }

        if (Workers is < 1 or > 256)
        {
            throw new ArgumentException($"ImagePipelineOptions.Workers {Workers} must be in 1..256.");
        }

        if (Prefetch is < 1 or > 1024)
        {
            throw new ArgumentException($"ImagePipelineOptions.Prefetch {Prefetch} must be in 1..1024.");
        }

        if (MaxPixels < 1)
        {
            throw new ArgumentException($"ImagePipelineOptions.MaxPixels {MaxPixels} must be positive.");
        }

        ArgumentNullException.ThrowIfNull(Augmentation, "ImagePipelineOptions.Augmentation");
        Augmentation.Validate();
    }
}
