using SkiaSharp;

namespace Frost.Vision;

/// <summary>An image file opened with SkiaSharp: header read and checked, pixels decoded on demand.</summary>
internal sealed class FileImage : ImageHandle
{
    private readonly string _path;
    private readonly DecodeContext _context;
    private readonly SKData _data;
    private readonly SKCodec _codec;
    private readonly SKEncodedOrigin _origin;

    private FileImage(string path, DecodeContext context, SKData data, SKCodec codec)
    {
        _path = path;
        _context = context;
        _data = data;
        _codec = codec;
        _origin = codec.EncodedOrigin;
        if (!Enum.IsDefined(_origin))
        {
            _origin = SKEncodedOrigin.TopLeft;
        }

        bool swap = (int)_origin >= (int)SKEncodedOrigin.LeftTop;
        Width = swap ? codec.Info.Height : codec.Info.Width;
        Height = swap ? codec.Info.Width : codec.Info.Height;
    }

    public override int Width { get; }

    public override int Height { get; }

    /// <summary>Reads the file and its header; every problem is an <see cref="ImageDecodeException"/> naming <paramref name="path"/>.</summary>
    public static FileImage Open(string path, DecodeContext context)
    {
        int length = CheckedLength(path);
        var buffer = context.FileBuffer(length);
        int read = 0;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            while (read < length)
            {
                int n = RandomAccess.Read(handle, buffer.AsSpan(read, length - read), read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, $"cannot be read ({e.Message})", e);
        }

        if (read == 0)
        {
            throw new ImageDecodeException(path, "empty file (0 bytes)");
        }

        var data = SKData.CreateCopy(buffer.AsSpan(0, read));
        var codec = SKCodec.Create(data);
        if (codec is null)
        {
            data.Dispose();
            throw new ImageDecodeException(path, "not a readable image: the format is not JPEG, PNG, BMP, WebP or GIF, or its header is damaged or cut short");
        }

        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        string? problem = info.Width < 1 || info.Height < 1 ? $"declares an empty image ({info.Width}x{info.Height})"
            : pixels > context.Options.MaxPixels
                ? $"declares {info.Width}x{info.Height} = {pixels:N0} pixels, above the limit of {context.Options.MaxPixels:N0} (ImagePipelineOptions.MaxPixels); refused before decoding"
                : null;
        if (problem is not null)
        {
            codec.Dispose();
            data.Dispose();
            throw new ImageDecodeException(path, problem);
        }

        return new FileImage(path, context, data, codec);
    }

    public override PixelSource Load(double minScale)
    {
        var info = _codec.Info;
        var size = new SKSizeI(info.Width, info.Height);
        if (_context.Options.ReducedJpegDecoding && minScale < 1 && _codec.EncodedFormat == SKEncodedImageFormat.Jpeg)
        {
            // libjpeg scales by n/8; take the smallest n whose output still covers what the resize needs.
            for (int n = 1; n < 8; n++)
            {
                var s = _codec.GetScaledDimensions(n / 8f);
                if (s.Width >= info.Width * minScale && s.Height >= info.Height * minScale)
                {
                    size = s;
                    break;
                }
            }
        }

        bool opaque = info.AlphaType == SKAlphaType.Opaque;
        var dst = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        long bytes = (long)size.Width * size.Height * 4;
        if (bytes > Array.MaxLength)
        {
            throw new ImageDecodeException(_path, $"{size.Width}x{size.Height} pixels do not fit in one buffer");
        }

        var buffer = _context.PixelBuffer((int)bytes);
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = buffer)
            {
                result = _codec.GetPixels(dst, (IntPtr)p, size.Width * 4, SKCodecOptions.Default);
            }
        }

        if (result != SKCodecResult.Success)
        {
            throw new ImageDecodeException(_path, result switch
            {
                SKCodecResult.IncompleteInput => "truncated: the file ends before the image data does",
                SKCodecResult.ErrorInInput => "corrupt image data",
                _ => $"cannot be decoded ({result})",
            });
        }

        return new DecodedPixels(buffer, size.Width, size.Height, _origin, opaque, _context.Options.Background);
    }

    public override void Dispose()
    {
        _codec.Dispose();
        _data.Dispose();
    }

    /// <summary>The file's length, refusing missing, empty, non-regular and oversized files without opening them.</summary>
    private static int CheckedLength(string path)
    {
        long length;
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo
                    ?? throw new ImageDecodeException(path, "symbolic link to something that is not a file");
            }

            if (!info.Exists)
            {
                throw new ImageDecodeException(path, Directory.Exists(info.FullName) ? "is a folder, not an image file" : "file not found");
            }

            length = info.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, $"cannot be read ({e.Message})", e);
        }

        // NOTE: FIFOs, sockets and devices report a size of 0; refusing them here, unopened, is what keeps a
        // FIFO named like an image from blocking a reader forever.
        return length switch
        {
            0 => throw new ImageDecodeException(path, "empty file (0 bytes), or not a regular file"),
            > int.MaxValue / 2 => throw new ImageDecodeException(path, $"file of {length:N0} bytes is too large for an image"),
            _ => (int)length,
        };
    }
}
