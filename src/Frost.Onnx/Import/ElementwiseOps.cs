using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>Handlers of the ops that keep their input's shape or broadcast: activations, arithmetic, Softmax, Identity, Dropout.</summary>
internal static class ElementwiseOps
{
    /// <summary>A one-input op that keeps its input's type and shape and has no attributes (Relu, Sigmoid, Tanh).</summary>
    public static OpHandler Unary(string op, Func<Tensor, Tensor> f) => n =>
    {
        n.ExpectInputs(1, 1);
        n.ExpectOutputs(1, 1);
        return n.Step(n.Input(0), x => f(x[0]!), (e, name, i) => [e.Node(op, name, [i[0]])]);
    };

    /// <summary>A two-input arithmetic op with NumPy broadcasting (Add, Sub, Mul, Div; opsets 7, 13, 14).</summary>
    public static OpHandler Binary(string op, Func<Tensor, Tensor, Tensor> f) => n =>
    {
        n.ExpectInputs(2, 2);
        n.ExpectOutputs(1, 1);
        var a = n.Input(0);
        var b = n.Input(1);
        long[]? dims = a.Dims is null || b.Dims is null ? null : Broadcast(n, a.Dims, b.Dims);
        return n.Step(TensorInfo.Float(dims), x => f(x[0]!, x[1]!), (e, name, i) => [e.Node(op, name, [i[0], i[1]])]);
    };

    /// <summary>Identity (opsets 1, 13, 14, 16, 19, 21): the input itself.</summary>
    public static NodePlan Identity(NodeContext n)
    {
        n.ExpectInputs(1, 1);
        n.ExpectOutputs(1, 1);
        return n.Step(n.Input(0), x => x[0]!, (_, _, i) => [i[0]]);
    }

    /// <summary>Dropout (opsets 7, 10, 12, 13) in inference form: the input itself; the mask output is not computed.</summary>
    public static NodePlan Dropout(NodeContext n)
    {
        n.ExpectInputs(1, n.Opset >= 12 ? 3 : 1);
        n.ExpectOutputs(1, 2);
        if (n.OutputUsed(1))
        {
            throw n.Unsupported("returns its mask; Frost imports dropout in inference form");
        }

        if (n.Opset >= 12)
        {
            n.Ignore("seed");
            if (n.Has(1) && n.Input(1) is { Rank: not (0 or -1) } or { Type: not (OnnxDataType.Float or OnnxDataType.Undefined) })
            {
                throw n.Invalid($"has ratio {OnnxText.Quote(n.Node.Input[1])} of type {n.Input(1)}; a float scalar expected");
            }

            if (n.Initializer(1) is { } ratio && ratio.ToTensor().Item() is var r && !(r >= 0 && r < 1))
            {
                throw n.Invalid($"has ratio {r}; a value in [0, 1) expected");
            }

            n.Unused(1);
            if (n.Has(2) && n.ConstantBool(2, "training_mode") != false)
            {
                throw n.Unsupported("runs in training mode (training_mode is true or computed); Frost imports dropout in inference form");
            }
        }
        else
        {
            n.Ignore("ratio");
        }

        return n.Step(n.Input(0), x => x[0]!, (_, _, i) => [i[0]]);
    }

    /// <summary>
    /// Softmax: from opset 13 over one axis (default -1); before, over the rows of the input flattened to 2-D at the
    /// axis (default 1), which is re-exported as Flatten, Softmax and Reshape.
    /// </summary>
    public static NodePlan Softmax(NodeContext n)
    {
        n.ExpectInputs(1, 1);
        n.ExpectOutputs(1, 1);
        var x = n.Input(0);
        bool legacy = n.Opset < 13;
        long axis = n.Int("axis", legacy ? 1 : -1);
        int rank = x.Rank;
        if (rank >= 0 && (axis < (n.Opset >= 11 ? -rank : 0) || axis >= rank))
        {
            throw n.Invalid($"has axis={axis} for input {x}; [{(n.Opset >= 11 ? -rank : 0)}, {rank - 1}] expected at opset {n.Opset}");
        }

        int ax = (int)axis;
        if (!legacy)
        {
            return n.Step(x, t => Ops.Softmax(t[0]!, ax), (e, name, i) => [e.Node("Softmax", name, [i[0]], [AttributeProto.Int("axis", ax)])]);
        }

        return n.Step(
            x,
            t =>
            {
                var v = t[0]!;
                int a = ax < 0 ? ax + v.Rank : ax;
                var rows = Ops.Reshape(v, v.Shape.Product(0, a), v.Shape.Product(a, v.Rank));
                return Ops.Reshape(Ops.Softmax(rows, -1), v.Shape.ToArray());
            },
            (e, name, i) =>
            {
                string rows = e.Node("Flatten", name + "/flatten", [i[0]], [AttributeProto.Int("axis", ax)]);
                string sm = e.Node("Softmax", name, [rows], [AttributeProto.Int("axis", -1)]);
                string shape = e.Node("Shape", name + "/shape", [i[0]]);
                return [e.Node("Reshape", name + "/reshape", [sm, shape])];
            });
    }

    /// <summary>The NumPy broadcast of two shapes (-1: unknown); incompatible known sizes are an error naming the node.</summary>
    public static long[] Broadcast(NodeContext n, long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new long[rank];
        for (int i = 1; i <= rank; i++)
        {
            long x = i <= a.Length ? a[^i] : 1, y = i <= b.Length ? b[^i] : 1;
            if (x >= 0 && y >= 0 && x != y && x != 1 && y != 1)
            {
                throw n.Invalid($"cannot broadcast [{string.Join(",", a.Select(Text))}] with [{string.Join(",", b.Select(Text))}]");
            }

            dims[^i] = x == 1 ? y : y == 1 ? x : Math.Max(x, y);
        }

        return dims;
    }

    private static string Text(long d) => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
