using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// Walks an ONNX graph as exported from a Hugging Face BERT-family encoder (PyTorch export, opset 11–17) or by
/// <see cref="OnnxExporter.ExportTextClassifier"/>, and finds its parts: embedding lookups (or slices of the position
/// and token-type tables) and their layer norm, each layer's query/key/value projections, attention (scale, additive
/// padding mask, softmax), output projection, residual and layer norm, the erf-GELU feed-forward block, and either the
/// tanh pooler on the first token or a classifier's mean over the mask and dense head. Shape arithmetic (Shape,
/// Gather, Unsqueeze, Concat feeding Reshape) is ignored; every other computing node must belong to a recognised part.
/// The first mismatch is reported in one line.
/// </summary>
internal sealed class BertMatcher
{
    /// <summary>Ops that compute on hidden states (never shape arithmetic): each must be matched.</summary>
    private static readonly HashSet<string> s_computeOps =
        new(StringComparer.Ordinal) { "MatMul", "Gemm", "Softmax", "Erf", "Tanh", "ReduceMean", "ReduceSum", "Sqrt", "Pow", "LayerNormalization", "Gelu" };

    private readonly GraphIndex _g;
    private readonly string _source;
    private readonly HashSet<NodeProto> _used = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _dataInputs;
    private readonly HashSet<string> _masks = new(StringComparer.Ordinal);
    private string? _maskInput;

    private BertMatcher(OnnxModel model)
    {
        _g = new GraphIndex(model.Graph);
        _source = model.Source;
        _dataInputs = _g.DataInputs.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The parts of the encoder in <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The graph is not BERT-shaped; the message names what did not match.</exception>
    public static BertGraphMatch Match(OnnxModel model) => new BertMatcher(model).Run();

    private BertGraphMatch Run()
    {
        var (word, position, tokenType, idsInput, typeInput, sum) = Embeddings();
        var embNorm = Norm(sum, "the embedding sum");
        var layers = new List<LayerMatch>();
        string h = embNorm.Output;
        while (Layer(h, layers.Count) is { } layer)
        {
            layers.Add(layer);
            h = layer.FfnNorm.Output;
        }

        if (layers.Count == 0)
        {
            throw Fail($"no encoder layer (query, key and value projections) follows the embeddings' layer norm '{embNorm.Output}'.");
        }

        var (pooler, pooledOutput) = Pooler(h);
        var (head, logits) = pooler is null ? MeanPoolHead(h) : (null, null);
        var outputs = _g.Graph.Output.Select(o => o.Name).ToList();
        if (logits is not null)
        {
            if (outputs is not [var only] || only != logits)
            {
                throw Fail($"a classifier's only graph output must be its logits '{logits}' (outputs: {string.Join(", ", outputs)}).");
            }
        }
        else
        {
            if (!outputs.Contains(h))
            {
                throw Fail($"the last layer's hidden states '{h}' are not a graph output (outputs: {string.Join(", ", outputs)}).");
            }

            if (outputs.FirstOrDefault(o => o != h && o != pooledOutput) is { } extra)
            {
                throw Fail($"graph output '{extra}' is neither the hidden states nor the pooled output.");
            }
        }

        if (_dataInputs.FirstOrDefault(i => i != idsInput && i != _maskInput && i != typeInput) is { } unused)
        {
            throw Fail($"graph input '{unused}' is not token ids, attention mask or token types.");
        }

        if (_g.Graph.Node.FirstOrDefault(n => s_computeOps.Contains(n.OpType) && !_used.Contains(n)) is { } stray)
        {
            throw Fail($"{stray.Describe()} ({stray.OpType}) is not part of any recognised encoder part.");
        }

        return new BertGraphMatch(word, position, tokenType, embNorm, layers, pooler, idsInput, _maskInput!, typeInput, h, pooledOutput, head, logits);
    }

    private NotSupportedException Fail(string what) => new($"{_source}: not a BERT encoder graph: {what}");

    // ---- Embeddings ----

    private (TensorProto Word, TensorProto Position, TensorProto? TokenType, string Ids, string? Types, string Sum) Embeddings()
    {
        var lookups = _g.Graph.Node.Where(n => n.OpType == "Gather" && n.Input.Count == 2 && FloatTable(n.Input[0]) is not null).ToList();
        var onInputs = lookups.Where(n => DataSource(n.Input[1]) is not null).OrderByDescending(n => FloatTable(n.Input[0])!.Dims[0]).ToList();
        var computed = lookups.Where(n => DataSource(n.Input[1]) is null).ToList();

        // Frost's export takes rows 0..T−1 of the position table and row 0 of the token-type table with Slice.
        var slices = _g.Graph.Node.Where(n => n.OpType == "Slice" && n.Input.Count >= 3 && FloatTable(n.Input[0]) is not null).ToList();
        var typeRows = slices.Where(n => _g.Numbers(n.Input[2]) is [1]).ToList();
        var positionRows = slices.Except(typeRows).ToList();
        if (onInputs.Count is < 1 or > 2 || computed.Count + positionRows.Count != 1 || onInputs.Count + typeRows.Count > 2)
        {
            throw Fail($"expected word and token-type lookups on graph inputs and one position lookup (Gather on float tables, or Slice of their rows), found {onInputs.Count}, {typeRows.Count} and {computed.Count + positionRows.Count}.");
        }

        foreach (var n in lookups)
        {
            if (n.Int("axis", 0) != 0)
            {
                throw Fail($"{n.Describe()} gathers along axis {n.Int("axis", 0)}, not rows of its table.");
            }
        }

        var word = onInputs[0];
        var type = onInputs.Count > 1 ? onInputs[1] : typeRows.FirstOrDefault();
        NodeProto pos;
        if (computed.Count == 1)
        {
            pos = computed[0];
            CheckPositions(pos);
        }
        else
        {
            pos = positionRows[0];
            CheckPositionRows(pos, DataSource(word.Input[1])!);
        }

        if (type is { OpType: "Slice" })
        {
            CheckRowSlice(type, "the token-type rows");
        }

        Use(word, pos);
        if (type is not null)
        {
            Use(type);
        }

        // Sum of the lookups, in any order, as a chain of Adds.
        var remaining = new HashSet<string>(StringComparer.Ordinal) { pos.Output[0] };
        if (type is not null)
        {
            remaining.Add(type.Output[0]);
        }

        string cur = word.Output[0];
        while (remaining.Count > 0)
        {
            var add = Single(cur, "Add", "the embedding lookups");
            string other = Other(add, cur);
            if (!remaining.Remove(other))
            {
                var inner = _g.Producer(other);
                if (inner is not { OpType: "Add" } || !inner.Input.All(remaining.Contains))
                {
                    throw Fail($"{add.Describe()} adds '{other}', which is not an embedding lookup.");
                }

                remaining.ExceptWith(inner.Input);
                Use(inner);
            }

            Use(add);
            cur = add.Output[0];
        }

        return (Table(word), Table(pos), type is null ? null : Table(type), DataSource(word.Input[1])!, type is { OpType: "Gather" } ? DataSource(type.Input[1]) : null, cur);
    }

    /// <summary>Position ids must be 0, 1, 2, …: a constant arange, or a slice of one from 0.</summary>
    private void CheckPositions(NodeProto lookup)
    {
        string ids = lookup.Input[1];
        var slice = _g.Producer(ids);
        string table = ids;
        if (slice is { OpType: "Slice" })
        {
            var starts = slice.Input.Count > 1 ? _g.Numbers(slice.Input[1]) : null;
            var steps = slice.Input.Count > 4 && slice.Input[4].Length > 0 ? _g.Numbers(slice.Input[4]) : [1];
            if (starts is null || starts.Any(s => s != 0) || steps is null || steps.Any(s => s != 1))
            {
                throw Fail($"position ids come from {slice.Describe()}, which does not start at 0 with step 1.");
            }

            table = slice.Input[0];
            Use(slice);
        }

        var values = _g.Numbers(table);
        if (values is null || values.Where((v, i) => v != i).Any())
        {
            throw Fail($"position ids '{table}' are not the constant 0, 1, 2, … (learned absolute positions).");
        }
    }

    /// <summary>Rows 0..T−1 of the position table, T the length of the token ids <paramref name="ids"/> (Slice of their Shape).</summary>
    private void CheckPositionRows(NodeProto slice, string ids)
    {
        CheckRowSlice(slice, "the position rows");
        var length = _g.Producer(slice.Input[2]);
        var shape = length is { OpType: "Slice" } ? _g.Producer(length.Input[0]) : null;
        if (shape is not { OpType: "Shape" } || DataSource(shape.Input[0]) != ids || _g.Numbers(length!.Input[1]) is not [1] || _g.Numbers(length.Input[2]) is not [2])
        {
            throw Fail($"{slice.Describe()} does not take as many position rows as the token ids '{ids}' are long.");
        }
    }

    /// <summary>A Slice of table rows from 0 with step 1 along axis 0.</summary>
    private void CheckRowSlice(NodeProto slice, string what)
    {
        var axes = slice.Input.Count > 3 && slice.Input[3].Length > 0 ? _g.Numbers(slice.Input[3]) : [0];
        var steps = slice.Input.Count > 4 && slice.Input[4].Length > 0 ? _g.Numbers(slice.Input[4]) : [1];
        if (_g.Numbers(slice.Input[1]) is not [0] || axes is not [0] || steps is not [1])
        {
            throw Fail($"{what}: {slice.Describe()} does not take table rows from 0 with step 1.");
        }
    }

    /// <summary>The graph input <paramref name="tensor"/> is, through Casts, or null when it is computed.</summary>
    private string? DataSource(string tensor)
    {
        while (!_dataInputs.Contains(tensor))
        {
            if (_g.Producer(tensor) is not { OpType: "Cast" } cast)
            {
                return null;
            }

            tensor = cast.Input[0];
        }

        return tensor;
    }

    // ---- Layers ----

    private LayerMatch? Layer(string h, int index)
    {
        var projections = _g.Consumers(h).Where(n => n.OpType == "MatMul" && Weight(n.Input[1]) is not null && n.Input[0] == h).ToList();
        if (projections.Count == 0)
        {
            return null;
        }

        string where = $"layer {index}";
        if (projections.Count != 3)
        {
            throw Fail($"{where}: expected query, key and value projections of '{h}', found {projections.Count} MatMul nodes.");
        }

        DenseMatch? q = null, k = null, v = null;
        NodeProto? scores = null, context = null;
        int heads = 0;
        foreach (var mm in projections)
        {
            var dense = Dense(mm, where);
            var (next, input, perm, h2) = FollowHeads(dense.Output, where);
            if (heads != 0 && h2 != heads)
            {
                throw Fail($"{where}: projections split into {heads} and {h2} heads.");
            }

            heads = h2;
            switch (perm, input)
            {
                case ("0,2,1,3", 0):
                    q = dense;
                    scores = Same(scores, next, where);
                    break;
                case ("0,2,3,1", 1):
                    k = dense;
                    scores = Same(scores, next, where);
                    break;
                case ("0,2,1,3", 1):
                    v = dense;
                    context = next;
                    break;
                default:
                    throw Fail($"{where}: projection '{dense.Output}' reaches {next.Describe()} as input {input} with axes ({perm}), not as a query, key or value.");
            }
        }

        if (q is null || k is null || v is null || scores is null || context is null)
        {
            throw Fail($"{where}: could not tell the query, key and value projections apart.");
        }

        Use(scores, context);
        int width = q.OutFeatures;
        CheckAttention(scores, context, width / heads, where);

        // Back to [N, T, D], output projection, residual, norm.
        string cur = context.Output[0];
        var t = Single(cur, "Transpose", where + " attention context");
        if (Perm(t) != "0,2,1,3")
        {
            throw Fail($"{where}: {t.Describe()} permutes the context as ({Perm(t)}), expected (0,2,1,3).");
        }

        var r = Single(t.Output[0], "Reshape", where + " attention context");
        Use(t, r);
        var o = Dense(Single(r.Output[0], "MatMul", where + " attention context"), where);
        var attnNorm = Norm(Residual(o.Output, h, where + " attention output"), where + " attention residual");

        // Feed-forward.
        string h1 = attnNorm.Output;
        var ups = _g.Consumers(h1).Where(n => n.OpType == "MatMul" && n.Input[0] == h1).ToList();
        if (ups.Count != 1)
        {
            throw Fail($"{where}: expected one feed-forward projection of '{h1}', found {ups.Count}.");
        }

        var up = Dense(ups[0], where);
        string act = Gelu(up.Output, where);
        var down = Dense(Single(act, "MatMul", where + " GELU"), where);
        var ffnNorm = Norm(Residual(down.Output, h1, where + " feed-forward output"), where + " feed-forward residual");
        return new LayerMatch(q, k, v, o, attnNorm, up, down, ffnNorm, heads);
    }

    /// <summary>From a projection's output through Reshape to heads and Transposes, to the attention MatMul it feeds.</summary>
    private (NodeProto MatMul, int Input, string Perm, int Heads) FollowHeads(string tensor, string where)
    {
        var reshape = Single(tensor, "Reshape", where + $" projection '{tensor}'");
        var shape = ShapeOf(reshape);
        if (shape is not [_, _, > 0, > 0])
        {
            throw Fail($"{where}: {reshape.Describe()} does not split the features into [heads, head size].");
        }

        Use(reshape);
        int[] perm = [0, 1, 2, 3];
        string cur = reshape.Output[0];
        while (true)
        {
            var next = _g.Consumers(cur);
            if (next.Count != 1)
            {
                throw Fail($"{where}: '{cur}' has {next.Count} consumers; expected one Transpose or MatMul.");
            }

            var n = next[0];
            if (n.OpType == "MatMul")
            {
                return (n, n.Input.IndexOf(cur), string.Join(",", perm), (int)shape[2]);
            }

            if (n.OpType != "Transpose" || n.Ints("perm") is not { Length: 4 } p)
            {
                throw Fail($"{where}: after splitting heads, {n.Describe()} is not a 4-D Transpose or the attention MatMul.");
            }

            perm = [.. p.Select(a => perm[a])];
            Use(n);
            cur = n.Output[0];
        }
    }

    /// <summary>Scores → scale → + mask → softmax → context: checks each step.</summary>
    private void CheckAttention(NodeProto scores, NodeProto context, int headSize, string where)
    {
        var scale = _g.Consumers(scores.Output[0]) is [{ OpType: "Div" or "Mul" } s] ? s : throw Fail($"{where}: the attention scores are not scaled by one Div or Mul.");
        double c = _g.Scalar(Other(scale, scores.Output[0])) ?? throw Fail($"{where}: {scale.Describe()} does not scale by a constant.");
        double factor = scale.OpType == "Div" ? 1 / c : c;
        if (Math.Abs((factor * Math.Sqrt(headSize)) - 1) > 1e-5)
        {
            throw Fail($"{where}: attention scores are scaled by {factor:G6}, not 1/√{headSize}.");
        }

        var add = Single(scale.Output[0], "Add", where + " scaled scores");
        CheckMask(Other(add, scale.Output[0]), where);
        var softmax = Single(add.Output[0], "Softmax", where + " masked scores");
        if (softmax.Int("axis", -1) is not (-1 or 3))
        {
            throw Fail($"{where}: {softmax.Describe()} normalises axis {softmax.Int("axis", -1)}, not the keys.");
        }

        if (context.Input[0] != softmax.Output[0])
        {
            throw Fail($"{where}: the attention weights '{softmax.Output[0]}' do not weigh the values in {context.Describe()}.");
        }

        Use(scale, add, softmax);
    }

    /// <summary>
    /// The additive mask must be (1 − mask)·c with c ≤ −10⁴ or (mask − 1)·c with c ≥ 10⁴ (then reshaped to the scores),
    /// from an attention-mask graph input, the same in every layer.
    /// </summary>
    private void CheckMask(string mask, string where)
    {
        if (_masks.Contains(mask))
        {
            return;
        }

        var chain = new List<NodeProto>();
        var mul = _g.Producer(mask);
        while (mul is { OpType: "Unsqueeze" or "Reshape" })
        {
            chain.Add(mul);
            mul = _g.Producer(mul.Input[0]);
        }

        double? c = mul is { OpType: "Mul" } ? _g.Scalar(mul.Input[1]) ?? _g.Scalar(mul.Input[0]) : null;
        if (mul is null || c is null || Math.Abs(c.Value) < 1e4)
        {
            throw Fail($"{where}: the attention mask '{mask}' is not (1 − mask) times a large negative constant.");
        }

        var sub = _g.Producer(mul.Input[_g.Scalar(mul.Input[1]) is null ? 1 : 0]);
        bool oneMinus = sub is { OpType: "Sub" } && _g.Scalar(sub.Input[0]) == 1 && c < 0;
        bool minusOne = sub is { OpType: "Sub" } && _g.Scalar(sub.Input[1]) == 1 && c > 0;
        if (!oneMinus && !minusOne)
        {
            throw Fail($"{where}: the attention mask '{mask}' is not (1 − mask) times a negative constant or (mask − 1) times a positive one.");
        }

        string cur = sub!.Input[oneMinus ? 1 : 0];
        chain.Add(mul);
        chain.Add(sub);
        while (!_dataInputs.Contains(cur))
        {
            var n = _g.Producer(cur);
            if (n is not { OpType: "Cast" or "Unsqueeze" or "Reshape" })
            {
                throw Fail($"{where}: the attention mask comes from '{cur}', not from a graph input through Cast/Unsqueeze.");
            }

            chain.Add(n);
            cur = n.Input[0];
        }

        if (_maskInput is not null && cur != _maskInput)
        {
            throw Fail($"{where}: the attention mask comes from graph input '{cur}', the first layer's from '{_maskInput}'.");
        }

        Use([.. chain]);
        _masks.Add(mask);
        _maskInput = cur;
    }

    /// <summary>
    /// x·W + b from a MatMul with a constant [in, out] weight (or the Transpose of a constant [out, in] one), and the Add
    /// of a constant bias if one follows.
    /// </summary>
    private DenseMatch Dense(NodeProto matmul, string where)
    {
        var (w, outIn, transpose) = Weight(matmul.Input[1]) ?? throw Fail($"{where}: {matmul.Describe()} has no constant [in, out] weight.");
        Use(matmul);
        if (transpose is not null)
        {
            Use(transpose);
        }

        string y = matmul.Output[0];
        if (_g.Consumers(y) is [{ OpType: "Add" } add] && _g.Constant(Other(add, y)) is { DataType: OnnxDataType.Float, Dims.Count: 1 } b)
        {
            Use(add);
            return new DenseMatch(w, outIn, b, add.Output[0]);
        }

        return new DenseMatch(w, outIn, null, y);
    }

    /// <summary>A constant matrix weight: an initializer [in, out], or a Transpose (1, 0) of one stored [out, in].</summary>
    private (TensorProto Weight, bool OutIn, NodeProto? Transpose)? Weight(string tensor)
    {
        if (FloatTable(tensor) is { } w)
        {
            return (w, false, null);
        }

        return _g.Producer(tensor) is { OpType: "Transpose" } t && Perm(t) == "1,0" && FloatTable(t.Input[0]) is { } stored ? (stored, true, t) : null;
    }

    /// <summary>The Add of <paramref name="branch"/> and the residual <paramref name="skip"/>.</summary>
    private string Residual(string branch, string skip, string what)
    {
        var add = Single(branch, "Add", what);
        if (Other(add, branch) != skip)
        {
            throw Fail($"{what}: {add.Describe()} adds '{Other(add, branch)}' instead of the residual '{skip}'.");
        }

        Use(add);
        return add.Output[0];
    }

    /// <summary>x·½·(1 + erf(x/√2)) in the orders PyTorch exports it; returns the activation's output.</summary>
    private string Gelu(string x, string where)
    {
        string what = where + " feed-forward activation";
        var consumers = _g.Consumers(x);
        if (consumers is [{ OpType: "Gelu" } g] && g.Text("approximate", "none") == "none")
        {
            Use(g);
            return g.Output[0];
        }

        var scale = consumers.FirstOrDefault(n => n.OpType is "Div" or "Mul" && _g.Scalar(Other(n, x)) is not null)
            ?? throw Fail($"{what}: expected x/√2 (the erf form of GELU) after '{x}'.");
        double c = _g.Scalar(Other(scale, x))!.Value;
        if (Math.Abs((scale.OpType == "Div" ? 1 / c : c) - Math.Sqrt(0.5)) > 1e-6)
        {
            throw Fail($"{what}: {scale.Describe()} scales by {c:G6}, not the 1/√2 of GELU's erf form.");
        }

        var erf = Single(scale.Output[0], "Erf", what);
        var plus = Single(erf.Output[0], "Add", what);
        if (_g.Scalar(Other(plus, erf.Output[0])) != 1)
        {
            throw Fail($"{what}: {plus.Describe()} does not add 1 to erf.");
        }

        Use(scale, erf, plus);
        string cur = plus.Output[0];
        bool hasX = false, hasHalf = false;
        while (!(hasX && hasHalf))
        {
            var mul = Single(cur, "Mul", what);
            string other = Other(mul, cur);
            if (other == x)
            {
                hasX = true;
            }
            else if (_g.Scalar(other) == 0.5)
            {
                hasHalf = true;
            }
            else if (_g.Producer(other) is { OpType: "Mul" } half && half.Input.Contains(x) && _g.Scalar(Other(half, x)) == 0.5)
            {
                hasX = hasHalf = true;
                Use(half);
            }
            else
            {
                throw Fail($"{what}: {mul.Describe()} multiplies by '{other}', not x or ½.");
            }

            Use(mul);
            cur = mul.Output[0];
        }

        return cur;
    }

    // ---- Norms and pooler ----

    /// <summary>Layer norm of <paramref name="x"/> over the last axis: one LayerNormalization node, or PyTorch's decomposition.</summary>
    private LayerNormMatch Norm(string x, string what)
    {
        var consumers = _g.Consumers(x);
        if (consumers is [{ OpType: "LayerNormalization" } ln] && ln.Int("axis", -1) is -1 or 2)
        {
            Use(ln);
            return new LayerNormMatch(Vector(ln.Input[1], what), Vector(ln.Input[2], what), ln.Float("epsilon", 1e-5f), ln.Output[0]);
        }

        var mean = consumers.FirstOrDefault(n => n.OpType == "ReduceMean") ?? throw Fail($"{what}: expected a layer norm (ReduceMean) of '{x}'.");
        CheckLastAxis(mean, what);
        var sub = consumers.FirstOrDefault(n => n.OpType == "Sub" && n.Input.SequenceEqual([x, mean.Output[0]]))
            ?? throw Fail($"{what}: expected x − mean(x) after {mean.Describe()}.");
        string centered = sub.Output[0];
        var square = _g.Consumers(centered).FirstOrDefault(n => (n.OpType == "Pow" && _g.Scalar(n.Input[1]) == 2) || (n.OpType == "Mul" && n.Input.All(i => i == centered)))
            ?? throw Fail($"{what}: expected the square of '{centered}'.");
        var variance = Single(square.Output[0], "ReduceMean", what);
        CheckLastAxis(variance, what);
        var addEps = Single(variance.Output[0], "Add", what);
        double eps = _g.Scalar(Other(addEps, variance.Output[0])) ?? throw Fail($"{what}: {addEps.Describe()} adds no constant epsilon.");
        var sqrt = Single(addEps.Output[0], "Sqrt", what);
        var div = _g.Consumers(centered).FirstOrDefault(n => n.OpType == "Div" && n.Input.SequenceEqual([centered, sqrt.Output[0]]))
            ?? throw Fail($"{what}: expected (x − mean)/√(var + ε).");
        var scale = Single(div.Output[0], "Mul", what);
        var shift = Single(scale.Output[0], "Add", what);
        Use(mean, sub, square, variance, addEps, sqrt, div, scale, shift);
        return new LayerNormMatch(Vector(Other(scale, div.Output[0]), what), Vector(Other(shift, scale.Output[0]), what), (float)eps, shift.Output[0]);
    }

    private void CheckLastAxis(NodeProto reduce, string what)
    {
        var axes = reduce.Ints("axes");
        if (axes is not ([-1] or [2]) || reduce.Int("keepdims", 1) != 1)
        {
            throw Fail($"{what}: {reduce.Describe()} does not average the last axis keeping it (axes [{string.Join(",", axes)}]).");
        }
    }

    /// <summary>tanh(dense(h[:, 0])) if the graph computes it.</summary>
    private (DenseMatch? Pooler, string? Output) Pooler(string h)
    {
        var first = _g.Consumers(h).FirstOrDefault(n => n.OpType == "Gather");
        if (first is null)
        {
            return (null, null);
        }

        if (first.Int("axis", 0) != 1 || _g.Scalar(first.Input[1]) != 0 || _g.Constant(first.Input[1])!.Dims.Count != 0)
        {
            throw Fail($"{first.Describe()} after the last layer does not pick the first token.");
        }

        Use(first);
        string x = first.Output[0];
        DenseMatch dense;
        if (_g.Consumers(x) is [{ OpType: "Gemm" } gemm])
        {
            if (gemm.Int("transA", 0) != 0 || gemm.Float("alpha", 1f) != 1f || gemm.Float("beta", 1f) != 1f || FloatTable(gemm.Input[1]) is not { } w)
            {
                throw Fail($"pooler {gemm.Describe()} is not x·Wᵀ + b with constant weights.");
            }

            Use(gemm);
            var b = gemm.Input.Count > 2 ? Vector(gemm.Input[2], "pooler") : null;
            dense = new DenseMatch(w, gemm.Int("transB", 0) != 0, b, gemm.Output[0]);
        }
        else
        {
            dense = Dense(Single(x, "MatMul", "pooler"), "pooler");
        }

        var tanh = Single(dense.Output, "Tanh", "pooler");
        Use(tanh);
        return (dense, tanh.Output[0]);
    }

    /// <summary>
    /// A classifier's tail, if the graph has one: the mean of <paramref name="h"/> over the attention mask (masked sum
    /// over the tokens divided by the token count plus a tiny guard) and a dense head, whose output (through Identity
    /// nodes) is returned.
    /// </summary>
    private (DenseMatch? Head, string? Logits) MeanPoolHead(string h)
    {
        if (_g.Consumers(h) is not [{ OpType: "Mul" } masked])
        {
            return (null, null);
        }

        const string what = "the masked mean pooling";
        var unsqueeze = _g.Producer(Other(masked, h));
        if (unsqueeze is not { OpType: "Unsqueeze" } || Axes(unsqueeze) is not ([2] or [-1]) || DataSource(unsqueeze.Input[0]) != _maskInput)
        {
            throw Fail($"{what}: {masked.Describe()} does not multiply the hidden states by the attention mask '{_maskInput}' on a new last axis.");
        }

        var sum = Single(masked.Output[0], "ReduceSum", what);
        var div = Single(sum.Output[0], "Div", what);
        var guard = _g.Producer(div.Input[1]);
        var count = guard is { OpType: "Add" } ? _g.Producer(guard.Input[0]) ?? _g.Producer(guard.Input[1]) : null;
        double? epsilon = guard is { OpType: "Add" } ? _g.Scalar(guard.Input[1]) ?? _g.Scalar(guard.Input[0]) : null;
        if (Axes(sum) is not [1] || sum.Int("keepdims", 1) != 0 || div.Input[0] != sum.Output[0]
            || count is not { OpType: "ReduceSum" } || count.Input[0] != unsqueeze.Input[0] || Axes(count) is not [1] || count.Int("keepdims", 1) != 1
            || epsilon is not (> 0 and < 1e-3))
        {
            throw Fail($"{what}: {div.Describe()} is not the masked sum over the tokens divided by the token count plus a tiny guard.");
        }

        Use(unsqueeze, masked, sum, count, guard!, div);
        var head = Dense(Single(div.Output[0], "MatMul", "the classifier head"), "the classifier head");
        string logits = head.Output;
        while (_g.Consumers(logits) is [{ OpType: "Identity" } identity])
        {
            Use(identity);
            logits = identity.Output[0];
        }

        return (head, logits);
    }

    /// <summary>The axes of a reduction or Unsqueeze: the attribute (older opsets) or the constant second input.</summary>
    private long[]? Axes(NodeProto node)
    {
        var attribute = node.Ints("axes");
        if (attribute.Length > 0)
        {
            return attribute;
        }

        return node.Input.Count > 1 && _g.Numbers(node.Input[1]) is { } axes ? [.. axes.Select(a => (long)a)] : null;
    }

    // ---- Helpers ----

    private NodeProto Single(string tensor, string op, string what)
    {
        var c = _g.Consumers(tensor);
        return c is [var n] && n.OpType == op ? n
            : throw Fail($"{what}: expected one {op} after '{tensor}', found {(c.Count == 0 ? "none" : string.Join(", ", c.Select(x => x.OpType)))}.");
    }

    private NodeProto Same(NodeProto? seen, NodeProto next, string where)
        => seen is null || ReferenceEquals(seen, next) ? next : throw Fail($"{where}: query and key meet in different MatMul nodes.");

    private static string Other(NodeProto node, string known) => node.Input.Count == 2 ? (node.Input[0] == known ? node.Input[1] : node.Input[0]) : "";

    private static string Perm(NodeProto transpose) => string.Join(",", transpose.Ints("perm"));

    private TensorProto? FloatTable(string tensor)
        => _g.Constant(tensor) is { DataType: OnnxDataType.Float, Dims.Count: 2 } t && _g.Initializers.Contains(tensor) ? t : null;

    private TensorProto Table(NodeProto gather) => FloatTable(gather.Input[0])!;

    private TensorProto Vector(string tensor, string what)
        => _g.Constant(tensor) is { DataType: OnnxDataType.Float, Dims.Count: 1 } t ? t : throw Fail($"{what}: '{tensor}' is not a constant float vector.");

    /// <summary>The target shape of a Reshape: a constant, or a Concat of pieces whose last two are constants.</summary>
    private long[]? ShapeOf(NodeProto reshape)
    {
        if (_g.Numbers(reshape.Input[1]) is { } constant)
        {
            return [.. constant.Select(v => (long)v)];
        }

        if (_g.Producer(reshape.Input[1]) is { OpType: "Concat" } concat && concat.Input.Count == 4)
        {
            var heads = _g.Numbers(concat.Input[2]);
            var size = _g.Numbers(concat.Input[3]);
            return heads is [var hh] && size is [var s] ? [-1, -1, (long)hh, (long)s] : null;
        }

        return null;
    }

    private void Use(params NodeProto[] nodes)
    {
        foreach (var n in nodes)
        {
            _used.Add(n);
        }
    }
}
