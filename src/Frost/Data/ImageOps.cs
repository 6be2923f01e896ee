namespace Frost.Data;

/// <summary>Image batch transforms on NCHW tensors (not differentiable).</summary>
public static class ImageOps
{
    /// <summary>
    /// Resizes [N, C, H, W] images to [N, C, height, width]: bilinear with half-pixel centres when enlarging
    /// (like PyTorch's <c>align_corners=False</c>), area averaging when shrinking.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 4-D or a size is not positive.</exception>
    public static Tensor Resize(Tensor images, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4 || height < 1 || width < 1)
        {
            throw new ArgumentException($"Resize: need [N, C, H, W] images and a positive size, got {images.Shape} → {height}x{width}.");
        }

        int planes = images.Shape[0] * images.Shape[1], h = images.Shape[2], w = images.Shape[3];
        if (h == height && w == width)
        {
            return images.Clone();
        }

        var rows = Weights(h, height);
        var cols = Weights(w, width);
        var y = Tensor.Empty(new Shape(images.Shape[0], images.Shape[1], height, width));
        var src = images.AsReadOnlySpan();
        var dst = y.AsSpan();
        var tmp = new float[height * w];
        for (int p = 0; p < planes; p++)
        {
            var plane = src.Slice(p * h * w, h * w);

            // Rows first into tmp [height, w], then columns.
            for (int oy = 0; oy < height; oy++)
            {
                var trow = tmp.AsSpan(oy * w, w);
                trow.Clear();
                foreach (var (iy, wt) in rows[oy])
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(plane.Slice(iy * w, w), wt, trow, trow);
                }
            }

            var outPlane = dst.Slice(p * height * width, height * width);
            for (int oy = 0; oy < height; oy++)
            {
                var trow = tmp.AsSpan(oy * w, w);
                for (int ox = 0; ox < width; ox++)
                {
                    float acc = 0;
                    foreach (var (ix, wt) in cols[ox])
                    {
                        acc += trow[ix] * wt;
                    }

                    outPlane[oy * width + ox] = acc;
                }
            }
        }

        return y;
    }

    /// <summary>Repeats a single channel: [N, 1, H, W] → [N, <paramref name="channels"/>, H, W].</summary>
    public static Tensor RepeatChannels(Tensor images, int channels)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4 || images.Shape[1] != 1)
        {
            throw new ArgumentException($"RepeatChannels: need [N, 1, H, W] images, got {images.Shape}.");
        }

        return Ops.BroadcastTo(images, new Shape(images.Shape[0], channels, images.Shape[2], images.Shape[3]));
    }

    /// <summary>For each output index, the source indices and weights.</summary>
    private static List<(int Index, float Weight)>[] Weights(int inSize, int outSize)
    {
        var result = new List<(int, float)>[outSize];
        double scale = (double)inSize / outSize;
        for (int o = 0; o < outSize; o++)
        {
            var list = new List<(int, float)>();
            if (outSize >= inSize)
            {
                double c = Math.Clamp(((o + 0.5) * scale) - 0.5, 0, inSize - 1);
                int i0 = (int)Math.Floor(c);
                int i1 = Math.Min(i0 + 1, inSize - 1);
                double f = c - i0;
                list.Add((i0, (float)(1 - f)));
                if (i1 != i0 && f > 0)
                {
                    list.Add((i1, (float)f));
                }
            }
            else
            {
                // Area: the exact overlap of [o·scale, (o+1)·scale) with each source pixel.
                double a = o * scale, b = (o + 1) * scale;
                for (int i = (int)Math.Floor(a); i < Math.Min(inSize, (int)Math.Ceiling(b)); i++)
                {
                    double overlap = Math.Min(b, i + 1) - Math.Max(a, i);
                    if (overlap > 0)
                    {
                        list.Add((i, (float)(overlap / scale)));
                    }
                }
            }

            result[o] = list;
        }

        return result;
    }
}
