using System.Numerics.Tensors;
using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// The affine map of the last axis, <c>x·Wᵀ + b</c>, with the weight stored [out, in] as PyTorch stores it and an
    /// optional bias [out]: x [..., in] gives [..., out]. The bias is added inside the matrix product, not as a
    /// separate pass.
    /// </summary>
    /// <exception cref="ArgumentException">x's last axis differs from the weight's inputs, or the bias is not [out].</exception>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        const string Op = "Linear";
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || x.Rank < 1 || x.Shape[-1] != weight.Shape[1])
        {
            throw new ArgumentException($"{Op}: input {x.Shape} does not fit weight {weight.Shape} ([out, in]: the input's last axis must be in).");
        }

        int nIn = weight.Shape[1], nOut = weight.Shape[0], rows = x.Size / Math.Max(1, nIn);
        if (bias is not null && bias.Shape != new Shape(nOut))
        {
            throw new ArgumentException($"{Op}: bias must be [{nOut}] for weight {weight.Shape}, got {bias.Shape}.");
        }

        var dims = x.Shape.ToArray();
        dims[^1] = nOut;
        var y = Tensor.Empty(new Shape(dims));
        var ys = y.AsSpan();
        if (bias is not null)
        {
            var b = bias.AsReadOnlySpan();
            for (int r = 0; r < rows; r++)
            {
                b.CopyTo(ys.Slice(r * nOut, nOut));
            }
        }

        Gemm.Sgemm(false, true, rows, nOut, nIn, 1f, x.AsReadOnlySpan(), nIn, weight.AsReadOnlySpan(), nIn, bias is null ? 0f : 1f, ys, nOut);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        GradientTape.RecorderFor(inputs)?.Record(Op, y, inputs, (g, s) =>
        {
            var gs = g.AsReadOnlySpan();
            if (s.Needs(0))
            {
                // dx = g·W
                var dx = Tensor.Empty(x.Shape);
                Gemm.Sgemm(false, false, rows, nIn, nOut, 1f, gs, nOut, weight.AsReadOnlySpan(), nIn, 0f, dx.AsSpan(), nIn);
                s.Add(0, dx);
            }

            if (s.Needs(1))
            {
                // dW = gᵀ·x
                var dw = Tensor.Empty(weight.Shape);
                Gemm.Sgemm(true, false, nOut, nIn, rows, 1f, gs, nOut, x.AsReadOnlySpan(), nIn, 0f, dw.AsSpan(), nIn);
                s.Add(1, dw);
            }

            if (bias is not null && s.Needs(2))
            {
                var db = Tensor.PooledZeros(bias.Shape);
                var dbs = db.AsSpan();
                for (int r = 0; r < rows; r++)
                {
                    TensorPrimitives.Add(dbs, gs.Slice(r * nOut, nOut), dbs);
                }

                s.Add(2, db);
            }
        }, Saved.Inputs(0, 1));
        return y;
    }
}
