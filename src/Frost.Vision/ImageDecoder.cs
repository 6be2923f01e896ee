namespace Frost.Vision;

/// <summary>Loads single image files with the evaluation transform of <see cref="ImagePipelineOptions"/>.</summary>
public static class ImageDecoder
{
    /// <summary>The image at <paramref name="path"/> as a batch of one, [1, 3, Size, Size] RGB on the 0..255 scale.</summary>
    /// <exception cref="ImageDecodeException">The file is missing, empty, truncated, corrupt, not an image or too large.</exception>
    public static Tensor Load(string path, ImagePipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ImagePipelineOptions();
        options.Validate();
        var files = new ImageFiles([path], [0], ["image"]);
        int size = options.Size;
        var data = new float[3 * size * size];
        ExampleTransform.Build(files, 0, augment: false, epoch: 0, new DecodeContext(options), data);
        return Tensor.Wrap(data, 1, 3, size, size);
    }
}
