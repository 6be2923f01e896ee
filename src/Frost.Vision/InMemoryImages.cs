namespace Frost.Vision;

/// <summary>
/// Images already in memory as a [N, C, H, W] tensor (C = 1 for grey, 3 for RGB), for small sets: read
/// through the same crop, resize and augmentation as files.
/// </summary>
public sealed class InMemoryImages : ImageDataset
{
    private readonly Tensor _images;
    private readonly float _scale;

    /// <summary>
    /// Wraps <paramref name="images"/> (not copied; it must stay alive and unchanged while batches are read);
    /// each value times <paramref name="scale"/> must lie on the 0..255 scale (use 255 for pixels in [0, 1]).
    /// </summary>
    /// <exception cref="ArgumentException">The shape, label count or scale is wrong, or a value is not finite.</exception>
    public InMemoryImages(Tensor images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, float scale = 1f)
        : base(labels, classNames, nameof(InMemoryImages))
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4 || images.Shape[1] is not (1 or 3) || images.Shape[0] != labels.Count || images.Shape[2] < 1 || images.Shape[3] < 1)
        {
            throw new ArgumentException($"InMemoryImages: need [N, 1 or 3, H, W] images with N = {labels.Count} labels, got {images.Shape}.");
        }

        if (!(float.IsFinite(scale) && scale > 0))
        {
            throw new ArgumentException($"InMemoryImages: scale {scale} must be finite and positive.");
        }

        var values = images.AsReadOnlySpan();
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                int per = values.Length / images.Shape[0];
                throw new ArgumentException($"InMemoryImages: value {values[i]} at element {i} (image {i / per}) is not finite.");
            }
        }

        _images = images;
        _scale = scale;
    }

    /// <inheritdoc/>
    public override string Describe(int index) => $"in-memory image {index}";

    internal override ImageHandle Open(int index, DecodeContext context) => new Pixels(_images, index, _scale);

    /// <summary>One image of the tensor, read plane by plane.</summary>
    private sealed class Pixels : ImageHandle
    {
        private readonly Source _source;

        public Pixels(Tensor images, int index, float scale) => _source = new Source(images, index, scale);

        public override int Width => _source.Width;

        public override int Height => _source.Height;

        public override PixelSource Load(double minScale) => _source;

        public override void Dispose()
        {
        }
    }

    private sealed class Source(Tensor images, int index, float scale) : PixelSource
    {
        private readonly int _channels = images.Shape[1];

        public override int Width { get; } = images.Shape[3];

        public override int Height { get; } = images.Shape[2];

        public override void ReadRow(int y, int x0, int x1, Span<float> rgb)
        {
            var all = images.AsReadOnlySpan();
            int plane = Width * Height, image = index * _channels * plane;
            for (int c = 0; c < 3; c++)
            {
                var row = all.Slice(image + (_channels == 1 ? 0 : c) * plane + y * Width, Width);
                for (int x = x0, k = c; x < x1; x++, k += 3)
                {
                    rgb[k] = row[x] * scale;
                }
            }
        }
    }
}
