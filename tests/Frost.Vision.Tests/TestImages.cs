using System.Buffers.Binary;
using SkiaSharp;

namespace Frost.Vision.Tests;

/// <summary>Images written by the tests themselves: PNG, JPEG (with or without EXIF), WebP, BMP and crafted headers.</summary>
internal static class TestImages
{
    /// <summary>A deterministic RGBA pattern with every channel varying: [h, w, 4] bytes.</summary>
    public static byte[] Pattern(int width, int height, int seed = 0, bool alpha = false)
    {
        var px = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int p = (y * width + x) * 4;
                px[p] = (byte)(x * 7 + y * 3 + seed * 11);
                px[p + 1] = (byte)(x * 2 + y * 13 + seed * 5);
                px[p + 2] = (byte)(x * y + seed * 17);
                px[p + 3] = alpha ? (byte)((x * 37 + y * 11) % 256) : (byte)255;
            }
        }

        return px;
    }

    /// <summary>Pixel (x, y) of a [h, w, 4] pattern.</summary>
    public static (byte R, byte G, byte B, byte A) At(byte[] rgba, int width, int x, int y)
    {
        int p = (y * width + x) * 4;
        return (rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]);
    }

    public static byte[] Png(byte[] rgba, int width, int height) => Encode(rgba, width, height, SKEncodedImageFormat.Png, 100);

    public static byte[] Jpeg(byte[] rgba, int width, int height, int quality = 95) => Encode(rgba, width, height, SKEncodedImageFormat.Jpeg, quality);

    public static byte[] Webp(byte[] rgba, int width, int height) => Encode(rgba, width, height, SKEncodedImageFormat.Webp, 100);

    /// <summary>A one-channel (greyscale) PNG or JPEG.</summary>
    public static byte[] Grey(byte[] values, int width, int height, SKEncodedImageFormat format)
    {
        using var bmp = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        values.CopyTo(bmp.GetPixelSpan());
        using var data = bmp.Encode(format, 100);
        return data.ToArray();
    }

    /// <summary>Solid-colour quadrants: top-left red, top-right green, bottom-left blue, bottom-right white.</summary>
    public static byte[] Quadrants(int width, int height)
    {
        var px = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = (x < width / 2, y < height / 2) switch
                {
                    (true, true) => (255, 0, 0),
                    (false, true) => (0, 255, 0),
                    (true, false) => (0, 0, 255),
                    _ => (255, 255, 255),
                };
                int p = (y * width + x) * 4;
                (px[p], px[p + 1], px[p + 2], px[p + 3]) = ((byte)r, (byte)g, (byte)b, 255);
            }
        }

        return px;
    }

    /// <summary>
    /// <paramref name="jpeg"/> with an APP1 EXIF segment holding only the orientation tag (0x0112) inserted
    /// after SOI: "Exif\0\0", a big-endian TIFF header, one IFD with one SHORT entry.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        var tiff = new byte[8 + 2 + 12 + 4];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8); // IFD0 offset
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1); // one entry
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112); // Orientation
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3); // SHORT
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1); // count
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), (ushort)orientation);
        // bytes 20..21 pad the value field; 22..25 = next IFD offset 0
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>An uncompressed 24-bit bottom-up BMP.</summary>
    public static byte[] Bmp(byte[] rgba, int width, int height)
    {
        int stride = (width * 3 + 3) & ~3;
        var file = new byte[54 + stride * height];
        "BM"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                var (r, g, b, _) = At(rgba, width, x, y);
                (file[row + x * 3], file[row + x * 3 + 1], file[row + x * 3 + 2]) = (b, g, r);
            }
        }

        return file;
    }

    /// <summary>A valid PNG signature and IHDR declaring <paramref name="width"/> x <paramref name="height"/> RGB, then a tiny IDAT and IEND.</summary>
    public static byte[] PngHeader(int width, int height)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        (ihdr[8], ihdr[9]) = (8, 2);
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        byte[] body = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        s.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(body));
        s.Write(len);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] Encode(byte[] rgba, int width, int height, SKEncodedImageFormat format, int quality)
    {
        bool opaque = true;
        for (int i = 3; i < rgba.Length; i += 4)
        {
            opaque &= rgba[i] == 255;
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        using var bmp = new SKBitmap(info);
        rgba.CopyTo(bmp.GetPixelSpan());
        using var data = bmp.Encode(format, quality);
        Assert.NotNull(data);
        return data.ToArray();
    }
}
