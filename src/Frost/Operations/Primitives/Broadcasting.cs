using System.Numerics.Tensors;

namespace Frost.Operations.Primitives;

/// <summary>A binary elementwise function over spans, with scalar-broadcast forms.</summary>
internal interface IBinaryOperator
{
    static abstract void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d);

    static abstract void Apply(ReadOnlySpan<float> x, float y, Span<float> d);

    static abstract void Apply(float x, ReadOnlySpan<float> y, Span<float> d);
}

/// <summary>NumPy broadcasting for elementwise ops and the reduction of gradients back to input shapes.</summary>
internal static class Broadcasting
{
    /// <summary>Computes op(a, b) with broadcasting into a new tensor (no recording).</summary>
    public static Tensor Binary<TK>(string op, Tensor a, Tensor b)
        where TK : IBinaryOperator
    {
        var shape = Shape.Broadcast(a.Shape, b.Shape, op);
        var d = Tensor.Empty(shape);
        Run<TK>(a.AsReadOnlySpan(), a.Shape, b.AsReadOnlySpan(), b.Shape, d.AsSpan(), shape);
        return d;
    }

    public static void Run<TK>(ReadOnlySpan<float> a, Shape sa, ReadOnlySpan<float> b, Shape sb, Span<float> d, Shape sd)
        where TK : IBinaryOperator
    {
        if (sd.Size == 0)
        {
            return;
        }

        if (sa.Size == sd.Size && sb.Size == sd.Size)
        {
            TK.Apply(a, b, d);
            return;
        }

        if (sb.Size == 1 && sa.Size == sd.Size)
        {
            TK.Apply(a, b[0], d);
            return;
        }

        if (sa.Size == 1 && sb.Size == sd.Size)
        {
            TK.Apply(a[0], b, d);
            return;
        }

        var plan = new Plan(sa, sb, sd);
        int len = plan.InnerLength;
        var walk = plan.Start();
        for (int o = 0, offD = 0; o < plan.OuterCount; o++, offD += len)
        {
            var dd = d.Slice(offD, len);
            if (plan.InnerA == 1 && plan.InnerB == 1)
            {
                TK.Apply(a.Slice(walk.OffA, len), b.Slice(walk.OffB, len), dd);
            }
            else if (plan.InnerA == 1)
            {
                TK.Apply(a.Slice(walk.OffA, len), b[walk.OffB], dd);
            }
            else if (plan.InnerB == 1)
            {
                TK.Apply(a[walk.OffA], b.Slice(walk.OffB, len), dd);
            }
            else
            {
                TK.Apply(a.Slice(walk.OffA, 1), b.Slice(walk.OffB, 1), dd[..1]);
                dd.Fill(dd[0]);
            }

            plan.Advance(ref walk);
        }
    }

    /// <summary>Sums <paramref name="g"/> over the axes along which <paramref name="target"/> was broadcast.</summary>
    public static Tensor SumTo(Tensor g, Shape target)
    {
        if (g.Shape == target)
        {
            return g;
        }

        var r = Tensor.PooledZeros(target);
        var dst = r.AsSpan();
        var src = g.AsReadOnlySpan();
        if (target.Size == 1)
        {
            dst[0] = TensorPrimitives.Sum(src);
            return r;
        }

        // Walk g with the target's broadcast strides as "a" (b is unused, same as g).
        var plan = new Plan(target, g.Shape, g.Shape);
        int len = plan.InnerLength;
        var walk = plan.Start();
        for (int o = 0, offD = 0; o < plan.OuterCount; o++, offD += len)
        {
            var gs = src.Slice(offD, len);
            if (plan.InnerA == 1)
            {
                var ds = dst.Slice(walk.OffA, len);
                TensorPrimitives.Add(ds, gs, ds);
            }
            else
            {
                dst[walk.OffA] += TensorPrimitives.Sum(gs);
            }

            plan.Advance(ref walk);
        }

        return r;
    }

    /// <summary>Materialises <paramref name="x"/> broadcast to <paramref name="shape"/>.</summary>
    public static Tensor To(Tensor x, Shape shape)
    {
        var d = Tensor.Empty(shape);
        ReadOnlySpan<float> zero = [0f];
        Run<AddOperator>(x.AsReadOnlySpan(), x.Shape, zero, Shape.Scalar, d.AsSpan(), shape);
        return d;
    }

    internal struct Walk
    {
        public int OffA;
        public int OffB;
        public int[] Index;
    }

    /// <summary>Merged loop structure: outer odometer axes and one inner contiguous run.</summary>
    internal sealed class Plan
    {
        private readonly int[] _size;
        private readonly int[] _stA;
        private readonly int[] _stB;

        public Plan(Shape sa, Shape sb, Shape sd)
        {
            int r = sd.Rank;
            var size = new List<int>(r);
            var stA = new List<int>(r);
            var stB = new List<int>(r);
            var strA = Strides(sa, sd);
            var strB = Strides(sb, sd);
            for (int i = 0; i < r; i++)
            {
                int n = sd.Dims[i];
                if (n == 1)
                {
                    continue;
                }

                int last = size.Count - 1;
                if (last >= 0 && stA[last] == strA[i] * n && stB[last] == strB[i] * n)
                {
                    size[last] *= n;
                    stA[last] = strA[i];
                    stB[last] = strB[i];
                }
                else
                {
                    size.Add(n);
                    stA.Add(strA[i]);
                    stB.Add(strB[i]);
                }
            }

            if (size.Count == 0)
            {
                size.Add(1);
                stA.Add(0);
                stB.Add(0);
            }

            int m = size.Count;
            InnerLength = size[m - 1];
            InnerA = stA[m - 1];
            InnerB = stB[m - 1];
            _size = size.ToArray()[..(m - 1)];
            _stA = stA.ToArray()[..(m - 1)];
            _stB = stB.ToArray()[..(m - 1)];
            OuterCount = 1;
            foreach (int n in _size)
            {
                OuterCount *= n;
            }
        }

        public int InnerLength { get; }

        public int InnerA { get; }

        public int InnerB { get; }

        public int OuterCount { get; }

        public Walk Start() => new() { Index = new int[_size.Length] };

        public void Advance(ref Walk w)
        {
            for (int k = _size.Length - 1; k >= 0; k--)
            {
                w.OffA += _stA[k];
                w.OffB += _stB[k];
                if (++w.Index[k] < _size[k])
                {
                    return;
                }

                w.OffA -= _stA[k] * _size[k];
                w.OffB -= _stB[k] * _size[k];
                w.Index[k] = 0;
            }
        }

        /// <summary>Strides of <paramref name="s"/> aligned to <paramref name="d"/>'s axes, 0 where broadcast.</summary>
        private static int[] Strides(Shape s, Shape d)
        {
            int r = d.Rank;
            int off = r - s.Rank;
            var st = new int[r];
            int stride = 1;
            for (int i = s.Rank - 1; i >= 0; i--)
            {
                int n = s.Dims[i];
                st[i + off] = n == 1 ? 0 : stride;
                stride *= n;
            }

            return st;
        }
    }
}
