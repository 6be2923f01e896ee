namespace Frost.TestKit;

/// <summary>A double-precision reference array with NumPy-like semantics, for checking Frost's ops.</summary>
public sealed class RefTensor
{
    public RefTensor(double[] data, params int[] shape)
    {
        Data = data;
        Shape = shape;
        if (Size(shape) != data.Length)
        {
            throw new ArgumentException($"RefTensor: {data.Length} values for shape [{string.Join(",", shape)}].");
        }
    }

    public double[] Data { get; }

    public int[] Shape { get; }

    public int Rank => Shape.Length;

    public static RefTensor From(Tensor t) => new(t.ToArray().Select(v => (double)v).ToArray(), t.Shape.ToArray());

    public static RefTensor Scalar(double v) => new([v]);

    public static int Size(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    public static int[] Strides(int[] shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }

        return s;
    }

    public RefTensor Map(Func<double, double> f) => new(Data.Select(f).ToArray(), (int[])Shape.Clone());

    public static int[] BroadcastShape(int[] a, int[] b)
    {
        int r = Math.Max(a.Length, b.Length);
        var d = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Length) >= 0 ? a[i - (r - a.Length)] : 1;
            int db = i - (r - b.Length) >= 0 ? b[i - (r - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException("not broadcastable");
            }

            d[i] = Math.Max(da, db) == 1 ? 1 : (da == 1 ? db : da);
            if (da == 0 || db == 0)
            {
                d[i] = 0;
            }
        }

        return d;
    }

    /// <summary>The flat index into this tensor for an index into a broadcast shape.</summary>
    public int BroadcastIndex(int[] outIndex)
    {
        int off = outIndex.Length - Rank;
        int flat = 0;
        for (int i = 0; i < Rank; i++)
        {
            flat = flat * Shape[i] + (Shape[i] == 1 ? 0 : outIndex[i + off]);
        }

        return flat;
    }

    public static IEnumerable<int[]> Indices(int[] shape)
    {
        int n = Size(shape);
        var idx = new int[shape.Length];
        for (int f = 0; f < n; f++)
        {
            yield return (int[])idx.Clone();
            for (int k = shape.Length - 1; k >= 0; k--)
            {
                if (++idx[k] < shape[k])
                {
                    break;
                }

                idx[k] = 0;
            }
        }
    }

    public static RefTensor Zip(RefTensor a, RefTensor b, Func<double, double, double> f)
    {
        var shape = BroadcastShape(a.Shape, b.Shape);
        var data = Indices(shape).Select(ix => f(a.Data[a.BroadcastIndex(ix)], b.Data[b.BroadcastIndex(ix)])).ToArray();
        return new RefTensor(data, shape);
    }

    public static RefTensor Zip3(RefTensor c, RefTensor a, RefTensor b, Func<double, double, double, double> f)
    {
        var shape = BroadcastShape(BroadcastShape(c.Shape, a.Shape), b.Shape);
        var data = Indices(shape).Select(ix => f(c.Data[c.BroadcastIndex(ix)], a.Data[a.BroadcastIndex(ix)], b.Data[b.BroadcastIndex(ix)])).ToArray();
        return new RefTensor(data, shape);
    }

    public RefTensor Reshape(params int[] shape) => new((double[])Data.Clone(), shape);

    /// <summary>Reduces over axes with keep-dims shape; null means all.</summary>
    public RefTensor Reduce(int[]? axes, bool keepDims, Func<IEnumerable<double>, double> f)
    {
        var ax = (axes ?? Enumerable.Range(0, Rank).ToArray()).Select(a => a < 0 ? a + Rank : a).ToHashSet();
        var keep = Shape.Select((d, i) => ax.Contains(i) ? 1 : d).ToArray();
        var groups = new List<double>[Size(keep)];
        for (int i = 0; i < groups.Length; i++)
        {
            groups[i] = [];
        }

        var ks = Strides(keep);
        foreach (var ix in Indices(Shape))
        {
            int flat = 0;
            for (int i = 0; i < Rank; i++)
            {
                flat += (ax.Contains(i) ? 0 : ix[i]) * ks[i];
            }

            groups[flat].Add(Data[Flat(ix)]);
        }

        var data = groups.Select(f).ToArray();
        var shape = keepDims ? keep : Shape.Where((d, i) => !ax.Contains(i)).ToArray();
        return new RefTensor(data, shape);
    }

    public int Flat(int[] ix)
    {
        int f = 0;
        for (int i = 0; i < Rank; i++)
        {
            f = f * Shape[i] + ix[i];
        }

        return f;
    }

    public RefTensor Permute(params int[] perm)
    {
        var shape = perm.Select(p => Shape[p]).ToArray();
        var data = Indices(shape).Select(ix =>
        {
            var src = new int[Rank];
            for (int i = 0; i < Rank; i++)
            {
                src[perm[i]] = ix[i];
            }

            return Data[Flat(src)];
        }).ToArray();
        return new RefTensor(data, shape);
    }

    /// <summary>Batched matrix product over the last two axes with broadcast batch axes.</summary>
    public static RefTensor MatMul(RefTensor a, RefTensor b, bool ta = false, bool tb = false)
    {
        if (ta)
        {
            a = a.Permute([.. Enumerable.Range(0, a.Rank - 2), a.Rank - 1, a.Rank - 2]);
        }

        if (tb)
        {
            b = b.Permute([.. Enumerable.Range(0, b.Rank - 2), b.Rank - 1, b.Rank - 2]);
        }

        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        var batch = BroadcastShape(a.Shape[..^2], b.Shape[..^2]);
        var shape = batch.Concat([m, n]).ToArray();
        var data = Indices(shape).Select(ix =>
        {
            double s = 0;
            var ia = ix[..^2].Concat([ix[^2], 0]).ToArray();
            var ib = ix[..^2].Concat([0, ix[^1]]).ToArray();
            for (int p = 0; p < k; p++)
            {
                ia[^1] = p;
                ib[^2] = p;
                s += a.Data[a.BroadcastIndex(ia)] * b.Data[b.BroadcastIndex(ib)];
            }

            return s;
        }).ToArray();
        return new RefTensor(data, shape);
    }

    /// <summary>Softmax (or log-softmax) along one axis.</summary>
    public RefTensor Softmax(int axis, bool log)
    {
        int ax = axis < 0 ? axis + Rank : axis;
        var max = Reduce([ax], true, v => v.Max());
        var shifted = Zip(this, max, (x, m) => x - m);
        var sum = shifted.Map(Math.Exp).Reduce([ax], true, v => v.Sum());
        return log ? Zip(shifted, sum, (x, s) => x - Math.Log(s)) : Zip(shifted.Map(Math.Exp), sum, (e, s) => e / s);
    }

    public RefTensor Slice(int axis, int start, int length)
    {
        var shape = (int[])Shape.Clone();
        shape[axis] = length;
        var data = Indices(shape).Select(ix =>
        {
            var src = (int[])ix.Clone();
            src[axis] += start;
            return Data[Flat(src)];
        }).ToArray();
        return new RefTensor(data, shape);
    }

    public static RefTensor Concat(IReadOnlyList<RefTensor> parts, int axis)
    {
        var shape = (int[])parts[0].Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        var data = Indices(shape).Select(ix =>
        {
            int i = ix[axis];
            foreach (var p in parts)
            {
                if (i < p.Shape[axis])
                {
                    var src = (int[])ix.Clone();
                    src[axis] = i;
                    return p.Data[p.Flat(src)];
                }

                i -= p.Shape[axis];
            }

            throw new InvalidOperationException();
        }).ToArray();
        return new RefTensor(data, shape);
    }

    public RefTensor Gather(int axis, int[] indices)
    {
        var shape = (int[])Shape.Clone();
        shape[axis] = indices.Length;
        var data = Indices(shape).Select(ix =>
        {
            var src = (int[])ix.Clone();
            src[axis] = indices[ix[axis]];
            return Data[Flat(src)];
        }).ToArray();
        return new RefTensor(data, shape);
    }

    /// <summary>Naive 2-D cross-correlation with stride, asymmetric padding, dilation and groups.</summary>
    public static RefTensor Conv2D(RefTensor x, RefTensor w, RefTensor? b, Conv2DSettings p)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int k = w.Shape[0], cg = w.Shape[1], r = w.Shape[2], s = w.Shape[3];
        int oh = ((h + p.PadTop + p.PadBottom - (p.DilationH * (r - 1) + 1)) / p.StrideH) + 1;
        int ow = ((wd + p.PadLeft + p.PadRight - (p.DilationW * (s - 1) + 1)) / p.StrideW) + 1;
        int kg = k / p.Groups;
        var y = new double[n * k * oh * ow];
        for (int i = 0; i < n; i++)
        {
            for (int o = 0; o < k; o++)
            {
                int g = o / kg;
                for (int yy = 0; yy < oh; yy++)
                {
                    for (int xx = 0; xx < ow; xx++)
                    {
                        double acc = b?.Data[o] ?? 0;
                        for (int ci = 0; ci < cg; ci++)
                        {
                            for (int dy = 0; dy < r; dy++)
                            {
                                for (int dx = 0; dx < s; dx++)
                                {
                                    int iy = yy * p.StrideH - p.PadTop + dy * p.DilationH;
                                    int ix = xx * p.StrideW - p.PadLeft + dx * p.DilationW;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
                                    {
                                        acc += x.Data[((i * c + g * cg + ci) * h + iy) * wd + ix] * w.Data[((o * cg + ci) * r + dy) * s + dx];
                                    }
                                }
                            }
                        }

                        y[((i * k + o) * oh + yy) * ow + xx] = acc;
                    }
                }
            }
        }

        return new RefTensor(y, n, k, oh, ow);
    }

    /// <summary>Max or average pooling with asymmetric padding (average excludes padding unless asked).</summary>
    public static RefTensor Pool2D(RefTensor x, int kh, int kw, Conv2DSettings p, bool max, bool countIncludePad = false)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int oh = ((h + p.PadTop + p.PadBottom - kh) / p.StrideH) + 1;
        int ow = ((w + p.PadLeft + p.PadRight - kw) / p.StrideW) + 1;
        var y = new double[n * c * oh * ow];
        for (int pl = 0; pl < n * c; pl++)
        {
            for (int yy = 0; yy < oh; yy++)
            {
                for (int xx = 0; xx < ow; xx++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    int count = 0;
                    for (int dy = 0; dy < kh; dy++)
                    {
                        for (int dx = 0; dx < kw; dx++)
                        {
                            int iy = yy * p.StrideH - p.PadTop + dy, ix = xx * p.StrideW - p.PadLeft + dx;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                            {
                                double v = x.Data[(pl * h + iy) * w + ix];
                                acc = max ? Math.Max(acc, v) : acc + v;
                                count++;
                            }
                        }
                    }

                    y[(pl * oh + yy) * ow + xx] = max ? acc : acc / (countIncludePad ? kh * kw : count);
                }
            }
        }

        return new RefTensor(y, n, c, oh, ow);
    }

    /// <summary>Batch norm per channel with the given statistics, or batch statistics (biased variance) when null.</summary>
    public static RefTensor BatchNorm(RefTensor x, RefTensor gamma, RefTensor beta, double[]? mean, double[]? variance, double eps)
    {
        int n = x.Shape[0], c = x.Shape[1], hw = x.Shape[2] * x.Shape[3];
        var y = new double[x.Data.Length];
        for (int ch = 0; ch < c; ch++)
        {
            var vals = Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(0, hw).Select(k => x.Data[(i * c + ch) * hw + k])).ToArray();
            double m = mean?[ch] ?? vals.Average();
            double v = variance?[ch] ?? vals.Select(a => (a - m) * (a - m)).Average();
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < hw; k++)
                {
                    int o = (i * c + ch) * hw + k;
                    y[o] = gamma.Data[ch] * (x.Data[o] - m) / Math.Sqrt(v + eps) + beta.Data[ch];
                }
            }
        }

        return new RefTensor(y, x.Shape);
    }
}
