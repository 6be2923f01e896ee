using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>Handlers of the ops that rearrange elements: Flatten, Reshape, Concat, Split, Transpose.</summary>
internal static class ShapeOps
{
    /// <summary>Transpose (opsets 1, 13, 21): output axis i is input axis perm[i]; without perm, the axes reversed.</summary>
    public static NodePlan Transpose(NodeContext n)
    {
        n.ExpectInputs(1, 1);
        n.ExpectOutputs(1, 1);
        var x = n.Input(0);
        long[]? given = n.Ints("perm", x.Rank >= 0 ? x.Rank : -1, 0, x.Rank >= 0 ? x.Rank - 1 : int.MaxValue);
        if (given is not null && given.Distinct().Count() != given.Length)
        {
            throw n.Invalid($"has perm=[{string.Join(",", given)}]; each axis must appear once");
        }

        if (given is null && x.Rank < 0)
        {
            throw n.Unsupported("has no perm and an input of unknown rank");
        }

        int[] perm = given is null ? [.. Enumerable.Range(0, x.Rank).Reverse()] : [.. given.Select(a => (int)a)];
        long[]? dims = x.Dims is null ? null : [.. perm.Select(a => x.Dims[a])];
        return n.Step(
            TensorInfo.Float(dims ?? [.. perm.Select(_ => -1L)]),
            t =>
            {
                var v = t[0]!;
                if (v.Rank != perm.Length)
                {
                    throw new ArgumentException($"{n.Source}: {OnnxText.Node(n.Node)}: perm [{string.Join(",", perm)}] does not fit input {v.Shape}.");
                }

                return Ops.Permute(v, perm);
            },
            (e, name, i) => [e.Node("Transpose", name, [i[0]], [AttributeProto.IntList("perm", [.. perm.Select(a => (long)a)])])]);
    }

    /// <summary>Flatten (opsets 1, 9, 11, 13, 21): [d0…d(a-1), da…] to 2-D at the axis (default 1; negative from opset 11).</summary>
    public static NodePlan Flatten(NodeContext n)
    {
        n.ExpectInputs(1, 1);
        n.ExpectOutputs(1, 1);
        var x = n.Input(0);
        long axis = n.Int("axis", 1);
        int rank = x.Rank;
        long min = n.Opset >= 11 ? -rank : 0;
        if (rank >= 0 && (axis < min || axis > rank))
        {
            throw n.Invalid($"has axis={axis} for input {x}; [{min}, {rank}] expected at opset {n.Opset}");
        }

        if (rank < 0 && axis < 0 && n.Opset < 11)
        {
            throw n.Invalid($"has axis={axis}; negative axes need opset 11");
        }

        int ax = (int)axis;
        long[] dims = [-1, -1];
        if (rank >= 0)
        {
            int a = ax < 0 ? ax + rank : ax;
            dims = [Product(x.Dims.AsSpan(0, a)), Product(x.Dims.AsSpan(a))];
        }

        return n.Step(
            TensorInfo.Float(dims),
            t =>
            {
                var v = t[0]!;
                int a = ax < 0 ? ax + v.Rank : ax;
                if (a < 0 || a > v.Rank)
                {
                    throw new ArgumentException($"{n.Source}: {OnnxText.Node(n.Node)}: axis {ax} does not fit input {v.Shape}.");
                }

                return Ops.Reshape(v, v.Shape.Product(0, a), v.Shape.Product(a, v.Rank));
            },
            (e, name, i) => [e.Node("Flatten", name, [i[0]], [AttributeProto.Int("axis", ax)])]);
    }

    /// <summary>Reshape (opsets 5, 13, 14, 19, 21) to a shape stored as an initializer; 0 copies a dimension unless allowzero=1.</summary>
    public static NodePlan Reshape(NodeContext n)
    {
        n.ExpectInputs(2, 2);
        n.ExpectOutputs(1, 1);
        var x = n.Input(0);
        bool allowZero = n.Opset >= 14 && n.Int("allowzero", 0, 0, 1) != 0;
        long[] target = n.ConstantInts(1, "shape");
        if (target.Any(d => d < -1) || target.Count(d => d == -1) > 1)
        {
            throw n.Invalid($"has shape [{string.Join(",", target)}]; sizes of at least 0 and at most one -1 expected");
        }

        if (allowZero && target.Contains(0) && target.Contains(-1))
        {
            throw n.Invalid($"has shape [{string.Join(",", target)}] with allowzero=1, which cannot hold both 0 and -1");
        }

        if (target.Any(d => d > int.MaxValue))
        {
            throw n.Unsupported($"has shape [{string.Join(",", target)}]; Frost tensors have at most {int.MaxValue} elements per axis");
        }

        long[]? dims = null;
        if (x.Dims is not null)
        {
            dims = Resolve(target, x.Dims, allowZero, error => n.Invalid($"cannot reshape {x} to [{string.Join(",", target)}]: {error}"));
        }

        return n.Step(
            TensorInfo.Float(dims),
            t =>
            {
                var v = t[0]!;
                long[] resolved = Resolve(target, [.. v.Shape.ToArray().Select(d => (long)d)], allowZero, error => new ArgumentException(
                    $"{n.Source}: {OnnxText.Node(n.Node)}: cannot reshape {v.Shape} to [{string.Join(",", target)}]: {error}."));
                return Ops.Reshape(v, [.. resolved.Select(d => (int)d)]);
            },
            (e, name, i) => [e.Node("Reshape", name, [i[0], e.Int64s(name + "/shape", target)], allowZero ? [AttributeProto.Int("allowzero", 1)] : null)]);
    }

    /// <summary>Concat (opsets 4, 11, 13) along the required axis (negative from opset 11).</summary>
    public static NodePlan Concat(NodeContext n)
    {
        n.ExpectInputs(1, int.MaxValue);
        n.ExpectOutputs(1, 1);
        for (int i = 0; i < n.Node.Input.Count; i++)
        {
            if (!n.Has(i))
            {
                throw n.Invalid($"input {i} is empty");
            }
        }

        long axis = n.RequiredInt("axis");
        var inputs = Enumerable.Range(0, n.Node.Input.Count).Select(n.Input).ToArray();
        var known = inputs.Where(t => t.Dims is not null).ToArray();
        long[]? dims = null;
        if (known.Length > 0)
        {
            int rank = known[0].Rank;
            long min = n.Opset >= 11 ? -rank : 0;
            if (axis < min || axis >= rank)
            {
                throw n.Invalid($"has axis={axis} for inputs of rank {rank}; [{min}, {rank - 1}] expected at opset {n.Opset}");
            }

            int a = (int)(axis < 0 ? axis + rank : axis);
            dims = [.. known[0].Dims!];
            dims[a] = 0;
            foreach (var t in inputs)
            {
                if (t.Dims is null)
                {
                    dims[a] = -1;
                    continue;
                }

                for (int d = 0; d < rank; d++)
                {
                    if (t.Rank != rank || (d != a && t.Dims[d] >= 0 && dims[d] >= 0 && t.Dims[d] != dims[d]))
                    {
                        throw n.Invalid($"joins {string.Join(" and ", inputs.Select(v => v.ToString()).Distinct())} along axis {axis}; the other axes must match");
                    }

                    if (d != a && dims[d] < 0)
                    {
                        dims[d] = t.Dims[d];
                    }
                }

                dims[a] = dims[a] < 0 || t.Dims[a] < 0 ? -1 : dims[a] + t.Dims[a];
            }
        }
        else if (axis < 0 && n.Opset < 11)
        {
            throw n.Invalid($"has axis={axis}; negative axes need opset 11");
        }

        int ax = (int)axis;
        return n.Step(TensorInfo.Float(dims), t => Ops.Concat([.. t.Select(v => v!)], ax), (e, name, i) => [e.Node("Concat", name, i, [AttributeProto.Int("axis", ax)])]);
    }

    /// <summary>
    /// Split (opsets 2, 11, 13, 18) along an axis: sizes from the 'split' attribute (before 13) or input (from 13), or
    /// equal parts; from opset 18, with num_outputs, parts of ceil(size / n) and a smaller last one.
    /// </summary>
    public static NodePlan Split(NodeContext n)
    {
        n.ExpectInputs(1, n.Opset >= 13 ? 2 : 1);
        int outputs = n.Node.Output.Count;
        n.ExpectOutputs(Math.Max(outputs, 1), int.MaxValue);
        var x = n.Input(0);
        long axis = n.Int("axis", 0);
        int rank = x.Rank;
        long min = n.Opset >= 11 ? -rank : 0;
        if (rank >= 0 && (axis < min || axis >= rank))
        {
            throw n.Invalid($"has axis={axis} for input {x}; [{min}, {rank - 1}] expected at opset {n.Opset}");
        }

        if (rank < 0 && axis < 0 && n.Opset < 11)
        {
            throw n.Invalid($"has axis={axis}; negative axes need opset 11");
        }

        long[]? sizes = n.Opset < 13 ? n.Ints("split", -1, 0, int.MaxValue) : n.Has(1) ? n.ConstantInts(1, "split sizes") : null;
        long? parts = n.Opset >= 18 && n.HasAttribute("num_outputs") ? n.Int("num_outputs", 0, 1, int.MaxValue) : null;
        // NOTE: ONNX Runtime counts an empty name as a given split input.
        if (n.Opset >= 18 && (n.Node.Input.Count > 1 != n.Has(1) || n.Has(1) == (parts is not null)))
        {
            throw n.Invalid(parts is null ? "gives neither the split input nor num_outputs" : "gives both the split input and num_outputs");
        }

        if (parts is not null && parts != outputs)
        {
            throw n.Invalid($"has num_outputs={parts} but {outputs} outputs");
        }

        long dim = x.Dim((int)axis);
        if (sizes is not null)
        {
            if (sizes.Length != outputs || sizes.Any(s => s < 0 || s > int.MaxValue))
            {
                throw n.Invalid($"has split sizes [{string.Join(",", sizes)}] for {outputs} outputs");
            }

            if (dim >= 0 && sizes.Sum() != dim)
            {
                throw n.Invalid($"splits {x} along axis {axis} into [{string.Join(",", sizes)}], which do not add up to {dim}");
            }
        }
        else if (dim >= 0 && parts is null && dim % outputs != 0)
        {
            throw n.Invalid($"splits {x} along axis {axis} into {outputs} equal parts");
        }
        else if (dim >= 0 && parts is not null && dim - (((dim + outputs - 1) / outputs) * (outputs - 1)) < 1)
        {
            throw n.Invalid($"splits {x} along axis {axis} into {outputs} parts of {(dim + outputs - 1) / outputs}, leaving nothing for the last");
        }

        int ax = (int)axis;
        bool ceilParts = parts is not null;
        long[] Sizes(long size) => sizes ?? (ceilParts
            ? [.. Enumerable.Range(0, outputs).Select(i => Math.Min((size + outputs - 1) / outputs, size - (i * ((size + outputs - 1) / outputs))))]
            : [.. Enumerable.Repeat(size / outputs, outputs)]);
        var infos = new TensorInfo[outputs];
        for (int i = 0; i < outputs; i++)
        {
            long[]? d = x.Dims is null ? null : [.. x.Dims];
            if (d is not null)
            {
                d[ax < 0 ? ax + rank : ax] = dim < 0 && sizes is null ? -1 : Sizes(dim)[i];
            }

            infos[i] = TensorInfo.Float(d);
        }

        return n.Step(
            infos,
            t =>
            {
                var v = t[0]!;
                int a = v.Shape.NormalizeAxis(ax, "Split");
                long[] s = Sizes(v.Shape[a]);
                if (s.Sum() != v.Shape[a] || (!ceilParts && sizes is null && v.Shape[a] % outputs != 0))
                {
                    throw new ArgumentException($"{n.Source}: {OnnxText.Node(n.Node)}: cannot split {v.Shape} along axis {a} into [{string.Join(",", s)}].");
                }

                var result = new Tensor[outputs];
                int start = 0;
                for (int i = 0; i < outputs; i++)
                {
                    result[i] = Ops.Slice(v, a, start, (int)s[i]);
                    start += (int)s[i];
                }

                return result;
            },
            (e, name, i) =>
            {
                long[]? fixedSizes = sizes ?? (ceilParts && dim >= 0 ? Sizes(dim) : null);
                if (ceilParts && fixedSizes is null)
                {
                    throw new NotSupportedException($"ONNX export: {OnnxText.Node(n.Node)} splits an axis of unknown size into uneven parts.");
                }

                List<string> inputs = fixedSizes is null ? [i[0]] : [i[0], e.Int64s(name + "/split", fixedSizes)];
                return e.Nodes("Split", name, inputs, outputs, [AttributeProto.Int("axis", ax)]);
            });
    }

    /// <summary>The product of known sizes, or -1 when one is unknown.</summary>
    internal static long Product(ReadOnlySpan<long> dims)
    {
        long p = 1;
        foreach (long d in dims)
        {
            if (d < 0)
            {
                return -1;
            }

            p = d != 0 && p > long.MaxValue / d ? long.MaxValue : p * d;
        }

        return p;
    }

    /// <summary>Reshape's target with 0 and -1 resolved against <paramref name="input"/> (-1 entries there: unknown).</summary>
    private static long[] Resolve(long[] target, long[] input, bool allowZero, Func<string, Exception> fail)
    {
        var dims = new long[target.Length];
        int infer = -1;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == 0 && !allowZero)
            {
                dims[i] = i < input.Length ? input[i] : throw fail($"0 at position {i} copies an axis the input does not have");
            }
            else if (target[i] == -1)
            {
                infer = i;
            }
            else
            {
                dims[i] = target[i];
            }
        }

        long total = Product(input);
        long known = Product(dims.Where((_, i) => i != infer).ToArray());
        if (infer >= 0)
        {
            if (total < 0 || known < 0)
            {
                dims[infer] = -1;
            }
            else if (known == 0 || total % known != 0)
            {
                throw fail($"{total} elements do not divide into parts of {known}");
            }
            else
            {
                dims[infer] = total / known;
            }
        }
        else if (total >= 0 && known >= 0 && total != known)
        {
            throw fail($"{total} elements cannot take a shape of {known}");
        }

        return dims;
    }
}
