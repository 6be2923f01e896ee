using Frost.TestKit;

namespace Frost.Tests.Operations;

using static InputDomain;
using Op = Frost.Operations.Ops;
using R = RefTensor;

/// <summary>Every differentiable op with its double-precision reference: the gradient check and forward check run on each row.</summary>
public static class OpCatalogue
{
    private static readonly int[] Labels = [2, 0, 4, 1];
    private static readonly int[] GatherIx = [2, 0, 2, 1];

    public static IReadOnlyList<OpCase> All { get; } =
    [
        // Binary elementwise, with broadcasting
        new("Add", [[2, 3], [2, 3]], x => Op.Add(x[0], x[1]), r => R.Zip(r[0], r[1], (a, b) => a + b)),
        new("Add_broadcast_row", [[2, 3], [3]], x => Op.Add(x[0], x[1]), r => R.Zip(r[0], r[1], (a, b) => a + b)),
        new("Add_broadcast_both", [[2, 1, 3], [4, 1]], x => Op.Add(x[0], x[1]), r => R.Zip(r[0], r[1], (a, b) => a + b)),
        new("AddScalar", [[3, 2]], x => Op.Add(x[0], 1.5f), r => r[0].Map(a => a + 1.5)),
        new("Sub", [[2, 3], [2, 1]], x => Op.Sub(x[0], x[1]), r => R.Zip(r[0], r[1], (a, b) => a - b)),
        new("SubFromScalar", [[4]], x => Op.Sub(2f, x[0]), r => r[0].Map(a => 2 - a)),
        new("Mul", [[3, 1, 2], [4, 1]], x => Op.Mul(x[0], x[1]), r => R.Zip(r[0], r[1], (a, b) => a * b)),
        new("MulScalar", [[5]], x => Op.Mul(x[0], -0.7f), r => r[0].Map(a => a * -0.7f)),
        new("Div", [[2, 3], [3]], x => Op.Div(x[0], x[1]), r => R.Zip(r[0], r[1], (a, b) => a / b), Any, AwayFromZero),
        new("DivScalar", [[4]], x => Op.Div(3f, x[0]), r => r[0].Map(a => 3 / a), AwayFromZero),
        new("Pow", [[2, 3], [3]], x => Op.Pow(x[0], x[1]), r => R.Zip(r[0], r[1], Math.Pow), Positive, Any),
        new("PowScalar", [[5]], x => Op.Pow(x[0], 2.5f), r => r[0].Map(a => Math.Pow(a, 2.5)), Positive),
        new("Square", [[2, 2]], x => Op.Square(x[0]), r => r[0].Map(a => a * a)),

        // Unary elementwise
        new("Neg", [[3, 2]], x => Op.Neg(x[0]), r => r[0].Map(a => -a)),
        new("Abs", [[6]], x => Op.Abs(x[0]), r => r[0].Map(Math.Abs), AwayFromZero),
        new("Reciprocal", [[6]], x => Op.Reciprocal(x[0]), r => r[0].Map(a => 1 / a), AwayFromZero),
        new("Exp", [[2, 3]], x => Op.Exp(x[0]), r => r[0].Map(Math.Exp)),
        new("Log", [[2, 3]], x => Op.Log(x[0]), r => r[0].Map(Math.Log), Positive),
        new("Sqrt", [[2, 3]], x => Op.Sqrt(x[0]), r => r[0].Map(Math.Sqrt), Positive),
        new("Tanh", [[2, 3]], x => Op.Tanh(x[0]), r => r[0].Map(Math.Tanh)),
        new("Sigmoid", [[2, 3]], x => Op.Sigmoid(x[0]), r => r[0].Map(a => 1 / (1 + Math.Exp(-a)))),
        new("Relu", [[2, 4]], x => Op.Relu(x[0]), r => r[0].Map(a => Math.Max(a, 0)), AwayFromZero),
        new("LeakyRelu", [[2, 4]], x => Op.LeakyRelu(x[0], 0.1f), r => r[0].Map(a => a > 0 ? a : 0.1f * a), AwayFromZero),
        new("Gelu", [[2, 4]], x => Op.Gelu(x[0]), r => r[0].Map(a => 0.5 * a * (1 + Erf(a / Math.Sqrt(2))))),
        new("GeluTanh", [[2, 4]], x => Op.Gelu(x[0], approximate: true),
            r => r[0].Map(a => 0.5 * a * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (a + 0.044715 * a * a * a))))),

        // Matrix products
        new("MatMul", [[3, 4], [4, 5]], x => Op.MatMul(x[0], x[1]), r => R.MatMul(r[0], r[1])),
        new("MatMul_transposeA", [[4, 3], [4, 5]], x => Op.MatMul(x[0], x[1], transposeA: true), r => R.MatMul(r[0], r[1], ta: true)),
        new("MatMul_transposeB", [[3, 4], [5, 4]], x => Op.MatMul(x[0], x[1], transposeB: true), r => R.MatMul(r[0], r[1], tb: true)),
        new("MatMul_transposeBoth", [[4, 3], [5, 4]], x => Op.MatMul(x[0], x[1], true, true), r => R.MatMul(r[0], r[1], true, true)),
        new("MatMul_batched", [[2, 3, 4], [2, 4, 2]], x => Op.MatMul(x[0], x[1]), r => R.MatMul(r[0], r[1])),
        new("Linear", [[3, 4], [5, 4], [5]], x => Op.Linear(x[0], x[1], x[2]), r => R.Zip(R.MatMul(r[0], r[1], tb: true), r[2], (a, b) => a + b)),
        new("Linear_rank3_noBias", [[2, 3, 4], [2, 4]], x => Op.Linear(x[0], x[1]), r => R.MatMul(r[0].Reshape(6, 4), r[1], tb: true).Reshape(2, 3, 2)),
        new("MatMul_broadcastBatch", [[2, 1, 3, 4], [3, 4, 2]], x => Op.MatMul(x[0], x[1]), r => R.MatMul(r[0], r[1])),

        // Reductions
        new("Sum_all", [[2, 3, 2]], x => Op.Sum(x[0]), r => r[0].Reduce(null, false, v => v.Sum())),
        new("Sum_axis", [[2, 3, 2]], x => Op.Sum(x[0], 1), r => r[0].Reduce([1], false, v => v.Sum())),
        new("Sum_axes_keepDims", [[2, 3, 2]], x => Op.Sum(x[0], [0, 2], keepDims: true), r => r[0].Reduce([0, 2], true, v => v.Sum())),
        new("Sum_adjacent_axes", [[2, 3, 2, 2]], x => Op.Sum(x[0], [2, 3]), r => r[0].Reduce([2, 3], false, v => v.Sum())),
        new("Mean_all", [[3, 4]], x => Op.Mean(x[0]), r => r[0].Reduce(null, false, v => v.Average())),
        new("Mean_axis", [[3, 4]], x => Op.Mean(x[0], -1, keepDims: true), r => r[0].Reduce([1], true, v => v.Average())),
        new("Max_all", [[3, 4]], x => Op.Max(x[0]), r => r[0].Reduce(null, false, v => v.Max()), Distinct),
        new("Max_axis", [[3, 4]], x => Op.Max(x[0], 0), r => r[0].Reduce([0], false, v => v.Max()), Distinct),
        new("Max_axes_keepDims", [[2, 3, 4]], x => Op.Max(x[0], [0, 2], true), r => r[0].Reduce([0, 2], true, v => v.Max()), Distinct),

        // Softmax family and losses
        new("Softmax", [[3, 5]], x => Op.Softmax(x[0]), r => r[0].Softmax(-1, log: false)),
        new("Softmax_axis1", [[2, 3, 4]], x => Op.Softmax(x[0], 1), r => r[0].Softmax(1, log: false)),
        new("LogSoftmax", [[3, 5]], x => Op.LogSoftmax(x[0]), r => r[0].Softmax(-1, log: true)),
        new("LogSoftmax_axis0", [[3, 4]], x => Op.LogSoftmax(x[0], 0), r => r[0].Softmax(0, log: true)),
        new("CrossEntropy", [[4, 5]], x => Op.CrossEntropy(x[0], Labels), r => CrossEntropyRef(r[0], Labels)),
        new("Mse", [[3, 4], [3, 4]], x => Op.Mse(x[0], x[1]), r => R.Scalar(r[0].Data.Zip(r[1].Data, (a, b) => (a - b) * (a - b)).Average())),
        new("Dropout", [[4, 6]], x => Op.Dropout(x[0], 0.3f, new Rng(7)), r => DropoutRef(r[0], 0.3f, 7)),
        new("Where", [[2, 3], [3]], x => Op.Where(Condition(), x[0], x[1]),
            r => R.Zip3(R.From(Condition()), r[0], r[1], (c, a, b) => c != 0 ? a : b)),
        new("MaskedFill", [[2, 3]], x => Op.MaskedFill(x[0], Condition(), -1f), r => R.Zip(R.From(Condition()), r[0], (c, a) => c != 0 ? -1 : a)),

        // Normalisation and attention
        new("LayerNorm", [[3, 5], [5], [5]], x => Op.LayerNorm(x[0], x[1], x[2], 1e-5f), r => LayerNormRef(r[0], r[1], r[2], 1e-5)),
        new("LayerNorm_plain", [[2, 3, 4]], x => Op.LayerNorm(x[0], null, null, 1e-3f), r => LayerNormRef(r[0], null, null, 1e-3)),
        new("ScaledDotProductAttention", [[2, 3, 4], [2, 3, 4], [2, 3, 4]], x => Op.ScaledDotProductAttention(x[0], x[1], x[2], PaddingMask(), 2),
            r => AttentionRef(r[0], r[1], r[2], PaddingMask(), 2, 1 / Math.Sqrt(2))),
        new("ScaledDotProductAttention_holes_and_an_empty_row", [[2, 2, 6], [2, 4, 6], [2, 4, 6]],
            x => Op.ScaledDotProductAttention(x[0], x[1], x[2], HoleMask(), 3, 0.7f), r => AttentionRef(r[0], r[1], r[2], HoleMask(), 3, 0.7f)),
        new("ScaledDotProductAttention_unmasked", [[1, 5, 8], [1, 3, 8], [1, 3, 8]], x => Op.ScaledDotProductAttention(x[0], x[1], x[2], null, 1),
            r => AttentionRef(r[0], r[1], r[2], null, 1, 1 / Math.Sqrt(8))),

        // Convolution
        new("Conv2D", [[2, 3, 5, 5], [4, 3, 3, 3], [4]], x => Op.Conv2D(x[0], x[1], x[2], padding: 1), r => R.Conv2D(r[0], r[1], r[2], Conv2DSettings.Symmetric(1, 1))),
        new("Conv2D_strided_asymmetric", [[1, 2, 7, 6], [3, 2, 3, 2]], x => Op.Conv2D(x[0], x[1], null, new Conv2DSettings(2, 2, 1, 0, 0, 1)),
            r => R.Conv2D(r[0], r[1], null, new Conv2DSettings(2, 2, 1, 0, 0, 1))),
        new("Conv2D_dilated", [[1, 2, 7, 7], [2, 2, 3, 3], [2]], x => Op.Conv2D(x[0], x[1], x[2], padding: 2, dilation: 2), r => R.Conv2D(r[0], r[1], r[2], Conv2DSettings.Symmetric(1, 2, 2))),
        new("Conv2D_groups", [[2, 4, 5, 5], [6, 2, 3, 3], [6]], x => Op.Conv2D(x[0], x[1], x[2], padding: 1, groups: 2), r => R.Conv2D(r[0], r[1], r[2], Conv2DSettings.Symmetric(1, 1, 1, 2))),
        new("Conv2D_depthwise", [[2, 3, 6, 6], [3, 1, 3, 3]], x => Op.Conv2D(x[0], x[1], null, stride: 2, padding: 1, groups: 3), r => R.Conv2D(r[0], r[1], null, Conv2DSettings.Symmetric(2, 1, 1, 3))),
        new("Conv2D_1x1", [[2, 5, 3, 4], [4, 5, 1, 1]], x => Op.Conv2D(x[0], x[1]), r => R.Conv2D(r[0], r[1], null, Conv2DSettings.Default)),

        // Pooling and normalisation
        new("MaxPool2D", [[2, 2, 6, 5]], x => Op.MaxPool2D(x[0], 3, 3, new Conv2DSettings(2, 2, 1, 1, 0, 1)),
            r => R.Pool2D(r[0], 3, 3, new Conv2DSettings(2, 2, 1, 1, 0, 1), max: true), Distinct),
        new("AvgPool2D", [[2, 2, 5, 5]], x => Op.AvgPool2D(x[0], 3, 2, padding: 1), r => R.Pool2D(r[0], 3, 3, Conv2DSettings.Symmetric(2, 1), max: false)),
        new("AvgPool2D_countPad", [[1, 2, 5, 4]], x => Op.AvgPool2D(x[0], 2, 2, new Conv2DSettings(1, 2, 1, 0, 0, 0), countIncludePad: true),
            r => R.Pool2D(r[0], 2, 2, new Conv2DSettings(1, 2, 1, 0, 0, 0), max: false, countIncludePad: true)),
        new("GlobalAvgPool", [[2, 3, 4, 3]], x => Op.GlobalAvgPool(x[0]), r => r[0].Reduce([2, 3], true, v => v.Average())),
        new("BatchNorm2D_training", [[3, 2, 3, 3], [2], [2]],
            x => Op.BatchNorm2D(x[0], x[1], x[2], Tensor.Zeros(2), Tensor.Ones(2), training: true),
            r => R.BatchNorm(r[0], r[1], r[2], null, null, 1e-5)),
        new("BatchNorm2D_inference", [[2, 3, 2, 2], [3], [3]],
            x => Op.BatchNorm2D(x[0], x[1], x[2], Tensor.FromArray(0.1f, -0.2f, 0.3f), Tensor.FromArray(0.5f, 1.5f, 2f), training: false),
            r => R.BatchNorm(r[0], r[1], r[2], [0.1f, -0.2f, 0.3f], [0.5f, 1.5f, 2f], 1e-5)),

        // Shape ops
        new("Reshape", [[2, 6]], x => Op.Reshape(x[0], 3, -1), r => r[0].Reshape(3, 4)),
        new("Flatten", [[2, 3, 2]], x => Op.Flatten(x[0]), r => r[0].Reshape(2, 6)),
        new("Unsqueeze", [[2, 3]], x => Op.Unsqueeze(x[0], 1), r => r[0].Reshape(2, 1, 3)),
        new("Squeeze", [[2, 1, 3]], x => Op.Squeeze(x[0], 1), r => r[0].Reshape(2, 3)),
        new("Permute", [[2, 3, 4]], x => Op.Permute(x[0], 2, 0, 1), r => r[0].Permute(2, 0, 1)),
        new("Transpose", [[3, 5]], x => Op.Transpose(x[0]), r => r[0].Permute(1, 0)),
        new("Slice_view", [[5, 3]], x => Op.Slice(x[0], 0, 1, 3), r => r[0].Slice(0, 1, 3)),
        new("Slice_copy", [[2, 5, 3]], x => Op.Slice(x[0], 1, 2, 2), r => r[0].Slice(1, 2, 2)),
        new("Concat", [[2, 3], [2, 1], [2, 2]], x => Op.Concat(x, 1), r => R.Concat(r, 1)),
        new("Gather", [[3, 4]], x => Op.Gather(x[0], 0, GatherIx), r => r[0].Gather(0, GatherIx)),
        new("Gather_inner", [[2, 3, 2]], x => Op.Gather(x[0], 1, [1, 1, 0]), r => r[0].Gather(1, [1, 1, 0])),
        new("BroadcastTo", [[3, 1]], x => Op.BroadcastTo(x[0], new Shape(2, 3, 4)), r => R.Zip(r[0], new R(new double[24], 2, 3, 4), (a, _) => a)),
    ];

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var c in All)
        {
            d.Add(c.Name);
        }

        return d;
    }

    public static OpCase Get(string name) => All.Single(c => c.Name == name);

    private static Tensor Condition() => Tensor.FromArray([1, 0, 1, 0, 0, 1], 2, 3);

    /// <summary>Item 0 keeps its first two keys of three; item 1 keeps all.</summary>
    private static Tensor PaddingMask() => Tensor.FromArray([1, 1, 0, 1, 1, 1], 2, 3);

    /// <summary>Item 0 keeps keys 0 and 2 of four (a hole before the last kept key); item 1 keeps none.</summary>
    private static Tensor HoleMask() => Tensor.FromArray([1, 0, 1, 0, 0, 0, 0, 0], 2, 4);

    private static R LayerNormRef(R x, R? w, R? b, double eps)
    {
        int f = x.Shape[^1];
        var y = new double[x.Data.Length];
        for (int r = 0; r < x.Data.Length / f; r++)
        {
            var row = x.Data.Skip(r * f).Take(f).ToArray();
            double mean = row.Average();
            double inv = 1 / Math.Sqrt(row.Select(v => (v - mean) * (v - mean)).Average() + eps);
            for (int i = 0; i < f; i++)
            {
                y[(r * f) + i] = ((row[i] - mean) * inv * (w?.Data[i] ?? 1)) + (b?.Data[i] ?? 0);
            }
        }

        return new R(y, x.Shape);
    }

    private static R AttentionRef(R q, R k, R v, Tensor? mask, int heads, double scale)
    {
        int n = q.Shape[0], tq = q.Shape[1], d = q.Shape[2], tk = k.Shape[1], dh = d / heads;
        var m = mask?.ToArray();
        var y = new double[n * tq * d];
        for (int b = 0; b < n; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < tq; i++)
                {
                    var w = new double[tk];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < tk; j++)
                    {
                        if (m is not null && m[(b * tk) + j] == 0)
                        {
                            w[j] = double.NegativeInfinity;
                            continue;
                        }

                        double dot = 0;
                        for (int c = 0; c < dh; c++)
                        {
                            dot += q.Data[(((b * tq) + i) * d) + (h * dh) + c] * k.Data[(((b * tk) + j) * d) + (h * dh) + c];
                        }

                        w[j] = dot * scale;
                        max = Math.Max(max, w[j]);
                    }

                    if (double.IsNegativeInfinity(max))
                    {
                        continue; // every key masked: zeros
                    }

                    double sum = w.Sum(x => Math.Exp(x - max));
                    for (int j = 0; j < tk; j++)
                    {
                        double p = Math.Exp(w[j] - max) / sum;
                        for (int c = 0; c < dh; c++)
                        {
                            y[(((b * tq) + i) * d) + (h * dh) + c] += p * v.Data[(((b * tk) + j) * d) + (h * dh) + c];
                        }
                    }
                }
            }
        }

        return new R(y, n, tq, d);
    }

    private static double Erf(double x)
    {
        // Abramowitz–Stegun 7.1.26 is too coarse for a reference; integrate the series instead.
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            double t = term / (2 * n + 1);
            sum += t;
            term *= -x * x / (n + 1);
            if (Math.Abs(t) < 1e-17)
            {
                break;
            }
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static R CrossEntropyRef(R logits, int[] labels)
    {
        var lsm = logits.Softmax(1, log: true);
        int c = logits.Shape[1];
        return R.Scalar(-labels.Select((l, i) => lsm.Data[i * c + l]).Average());
    }

    private static R DropoutRef(R x, float rate, ulong seed)
    {
        var rng = new Rng(seed);
        float keep = 1f / (1f - rate);
        return x.Map(v => rng.NextFloat() < rate ? 0 : v * keep);
    }
}
