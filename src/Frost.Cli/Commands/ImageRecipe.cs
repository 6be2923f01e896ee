namespace Frost.Cli.Commands;

/// <summary>
/// What an image classifier expects as input: RGB images on the 0..255 scale, NCHW, square
/// <see cref="Size"/>; a file is decoded (EXIF orientation applied, greyscale to RGB, alpha over white), its
/// centred square of <see cref="CenterCrop"/> of the shorter side is resized to <see cref="Size"/> with
/// antialiased bilinear interpolation. The network's own normalisation is part of the model.
/// </summary>
/// <remarks>Every member is required in the JSON, so a recipe never relies on a default that could change.</remarks>
internal sealed record ImageRecipe
{
    /// <summary>The only channel order: red, green, blue.</summary>
    public const string Rgb = "RGB";

    /// <summary>The only value scale: 0..255 floats.</summary>
    public const string Scale255 = "0..255";

    /// <summary>The only resampling: antialiased bilinear (Pillow's and torchvision's).</summary>
    public const string Bilinear = "bilinear-antialias";

    /// <summary>The only layout: batch, channel, height, width.</summary>
    public const string Nchw = "NCHW";

    /// <summary>Side length in pixels.</summary>
    public required int Size { get; init; }

    /// <summary>Fraction of the shorter side kept by the centre crop, in (0, 1].</summary>
    public required double CenterCrop { get; init; }

    /// <summary>Channel order.</summary>
    public required string Channels { get; init; }

    /// <summary>Value scale.</summary>
    public required string Scale { get; init; }

    /// <summary>Resampling filter.</summary>
    public required string Resize { get; init; }

    /// <summary>Tensor layout.</summary>
    public required string Layout { get; init; }
}
