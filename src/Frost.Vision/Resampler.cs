using System.Numerics.Tensors;

namespace Frost.Vision;

/// <summary>
/// Resamples a box of an image to an output size with antialiased bilinear interpolation: each output pixel
/// averages the source pixels whose centres lie within the triangle filter around its centre, the filter
/// widened by the shrink factor when shrinking (Pillow's BILINEAR, torchvision's <c>antialias=True</c>);
/// half-pixel centres; taps outside the image are left out and the rest renormalised. Reuses its buffers.
/// </summary>
internal sealed class Resampler
{
    private readonly Taps _x = new();
    private readonly Taps _y = new();
    private float[] _rows = [];
    private float[] _line = [];
    private float[] _acc = [];

    /// <summary>
    /// Writes box (<paramref name="left"/>, <paramref name="top"/>, <paramref name="width"/>, <paramref name="height"/>)
    /// of <paramref name="source"/>, in source pixel units, as [3, <paramref name="outHeight"/>, <paramref name="outWidth"/>]
    /// planes into <paramref name="destination"/>, mirrored left to right when <paramref name="flip"/>.
    /// </summary>
    public void Run(PixelSource source, double left, double top, double width, double height, int outHeight, int outWidth, bool flip, Span<float> destination)
    {
        _x.Compute(left, width, source.Width, outWidth);
        _y.Compute(top, height, source.Height, outHeight);
        int xlo = _x.Low, xhi = _x.High, ylo = _y.Low, yhi = _y.High;
        int rowFloats = outWidth * 3;
        var rows = Buffer(ref _rows, (long)(yhi - ylo) * rowFloats);
        var line = Buffer(ref _line, (long)(xhi - xlo) * 3);

        // Horizontal pass over every source row the vertical taps touch: rows[r - ylo] = [outWidth, 3].
        for (int r = ylo; r < yhi; r++)
        {
            source.ReadRow(r, xlo, xhi, line);
            var outRow = rows.AsSpan((r - ylo) * rowFloats, rowFloats);
            for (int ox = 0; ox < outWidth; ox++)
            {
                int start = (_x.Start[ox] - xlo) * 3, count = _x.Count[ox];
                var w = _x.Weights.AsSpan(ox * _x.Stride, count);
                float cr = 0, cg = 0, cb = 0;
                for (int t = 0, p = start; t < count; t++, p += 3)
                {
                    float wt = w[t];
                    cr += wt * line[p];
                    cg += wt * line[p + 1];
                    cb += wt * line[p + 2];
                }

                int d = (flip ? outWidth - 1 - ox : ox) * 3;
                outRow[d] = cr;
                outRow[d + 1] = cg;
                outRow[d + 2] = cb;
            }
        }

        // Vertical pass, then de-interleave into the three planes.
        var acc = Buffer(ref _acc, rowFloats).AsSpan(0, rowFloats);
        int plane = outHeight * outWidth;
        for (int oy = 0; oy < outHeight; oy++)
        {
            int start = _y.Start[oy] - ylo, count = _y.Count[oy];
            var w = _y.Weights.AsSpan(oy * _y.Stride, count);
            TensorPrimitives.Multiply(rows.AsSpan(start * rowFloats, rowFloats), w[0], acc);
            for (int t = 1; t < count; t++)
            {
                TensorPrimitives.MultiplyAdd(rows.AsSpan((start + t) * rowFloats, rowFloats), w[t], acc, acc);
            }

            var r = destination.Slice(oy * outWidth, outWidth);
            var g = destination.Slice(plane + oy * outWidth, outWidth);
            var b = destination.Slice(2 * plane + oy * outWidth, outWidth);
            for (int ox = 0, p = 0; ox < outWidth; ox++, p += 3)
            {
                r[ox] = acc[p];
                g[ox] = acc[p + 1];
                b[ox] = acc[p + 2];
            }
        }
    }

    /// <summary>Drops buffers above <paramref name="bytes"/>.</summary>
    public void Trim(long bytes)
    {
        if ((long)_rows.Length * sizeof(float) > bytes)
        {
            _rows = [];
        }

        if ((long)_line.Length * sizeof(float) > bytes)
        {
            _line = [];
        }
    }

    private static float[] Buffer(ref float[] buffer, long length)
    {
        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException($"Resampler: a {length}-element buffer is too large.");
        }

        if (buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<float>((int)length);
        }

        return buffer;
    }

    /// <summary>The filter taps of each output pixel along one axis.</summary>
    private sealed class Taps
    {
        public int[] Start = [];
        public int[] Count = [];
        public float[] Weights = [];

        /// <summary>Weights per output pixel: Weights[o * Stride + t] for source pixel Start[o] + t.</summary>
        public int Stride { get; private set; }

        /// <summary>First source pixel any output pixel uses.</summary>
        public int Low { get; private set; }

        /// <summary>One past the last source pixel any output pixel uses.</summary>
        public int High { get; private set; }

        public void Compute(double origin, double extent, int inSize, int outSize)
        {
            double scale = extent / outSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = filterScale; // the triangle's radius, in source pixels
            Stride = (int)Math.Ceiling(2 * support) + 2;
            if (Start.Length < outSize)
            {
                Start = new int[outSize];
                Count = new int[outSize];
            }

            if (Weights.Length < outSize * Stride)
            {
                Weights = new float[outSize * Stride];
            }

            int low = int.MaxValue, high = int.MinValue;
            for (int o = 0; o < outSize; o++)
            {
                double center = origin + (o + 0.5) * scale;

                // Source pixels j whose centre j + 0.5 lies strictly inside (center - support, center + support).
                int lo = Math.Max(0, (int)Math.Floor(center - support - 0.5) + 1);
                int hi = Math.Min(inSize, (int)Math.Ceiling(center + support - 0.5));
                hi = Math.Min(hi, lo + Stride);
                var w = Weights.AsSpan(o * Stride, Stride);
                double sum = 0;
                for (int j = lo; j < hi; j++)
                {
                    sum += Triangle(j + 0.5 - center, filterScale);
                }

                if (sum <= 0)
                {
                    // The box lies outside the image (only possible through rounding): nearest pixel.
                    lo = Math.Clamp((int)Math.Floor(center), 0, inSize - 1);
                    hi = lo + 1;
                    w[0] = 1;
                }
                else
                {
                    for (int j = lo; j < hi; j++)
                    {
                        w[j - lo] = (float)(Triangle(j + 0.5 - center, filterScale) / sum);
                    }
                }

                Start[o] = lo;
                Count[o] = hi - lo;
                low = Math.Min(low, lo);
                high = Math.Max(high, hi);
            }

            Low = low;
            High = high;
        }

        private static double Triangle(double distance, double filterScale) => Math.Max(0, 1 - Math.Abs(distance) / filterScale);
    }
}
