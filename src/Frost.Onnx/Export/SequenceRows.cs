using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Export;

/// <summary>Writes <paramref name="layer"/>, applied to the tensors named <paramref name="inputs"/>, as ONNX nodes; returns the output's name.</summary>
internal delegate string MultiInputEmit(OnnxEmitter emitter, Layer layer, string path, IReadOnlyList<string> inputs);

/// <summary>
/// The rows of <see cref="ExportTable"/> for BERT-family layers, which take token sequences and an attention mask (a
/// float [N, T] of ones and zeros): the classifier, its embeddings, encoder layers, attention, feed-forward block and
/// masked mean pooling. Padded keys get −10⁹ before the softmax, so their weights are exactly zero, as in Frost.
/// </summary>
internal static class SequenceRows
{
    public static IReadOnlyDictionary<Type, MultiInputEmit> Emitters { get; } = Build();

    private static Dictionary<Type, MultiInputEmit> Build()
    {
        var t = new Dictionary<Type, MultiInputEmit>();
        Row<BertClassifier>(t, (e, c, p, x) =>
        {
            string mask = e.Node("Cast", p + "/mask_float", [x[1]], [AttributeProto.Int("to", (long)OnnxDataType.Float)]);
            string h = e.Emit(c.Embeddings, x[0]);
            foreach (var layer in c.Layers)
            {
                h = e.Emit(layer, [h, mask]);
            }

            return e.Emit(c.Head, e.Emit(c.Pool, [h, mask]));
        });
        Row<BertEmbeddings>(t, (e, b, p, x) =>
        {
            string words = e.Emit(b.Word, x[0]);
            string length = e.Node("Slice", p + "/length", [e.Node("Shape", p + "/shape", [x[0]]), e.Int64s(p + "/one", 1), e.Int64s(p + "/two", 2)]);
            string positions = e.Node("Slice", p + "/positions", [e.Initializer(b.Position.Weight), e.Int64s(p + "/zero", 0), length, e.Int64s(p + "/axis", 0)]);
            string types = b.TokenTypeInput
                ? e.Emit(b.TokenType, x[1])
                : e.Node("Slice", p + "/type0", [e.Initializer(b.TokenType.Weight), e.Int64s(p + "/start", 0), e.Int64s(p + "/end", 1), e.Int64s(p + "/type_axis", 0)]);
            return e.Emit(b.Norm, e.Node("Add", p + "/sum", [e.Node("Add", p + "/word_position", [words, positions]), types]));
        });
        Row<BertLayer>(t, (e, l, _, x) => e.Emit(l.Ffn, e.Emit(l.Attention, [x[0], x[1]])));
        Row<BertSelfAttention>(t, Attention);
        Row<BertFeedForward>(t, (e, f, p, x) =>
        {
            string up = ExportTable.GeluErf(e, p + "/gelu", e.Emit(f.Up, x[0]));
            return e.Emit(f.Norm, e.Node("Add", p + "/residual", [e.Emit(f.Down, up), x[0]]));
        });
        Row<MaskedMeanPool>(t, (e, _, p, x) =>
        {
            string kept = e.Node("Mul", p + "/masked", [x[0], e.Node("Unsqueeze", p + "/mask3", [x[1], e.Int64s(p + "/feature_axis", 2)])]);
            string sum = e.Node("ReduceSum", p + "/sum", [kept, e.Int64s(p + "/axes", 1)], [AttributeProto.Int("keepdims", 0)]);
            string count = e.Node("ReduceSum", p + "/count", [x[1], e.Int64s(p + "/count_axes", 1)], [AttributeProto.Int("keepdims", 1)]);
            return e.Node("Div", p, [sum, e.Node("Add", p + "/guard", [count, e.Scalar(p + "/epsilon", 1e-9f)])]);
        });
        return t;
    }

    private static void Row<T>(Dictionary<Type, MultiInputEmit> table, Func<OnnxEmitter, T, string, IReadOnlyList<string>, string> emit)
        where T : Layer => table.Add(typeof(T), (e, l, p, x) => emit(e, (T)l, p, x));

    private static string Attention(OnnxEmitter e, BertSelfAttention a, string p, IReadOnlyList<string> x)
    {
        int heads = a.Heads;
        int d = a.Query.OutFeatures;
        int size = d / heads;
        string split = e.Int64s(p + "/heads_shape", 0, 0, heads, size);

        // [N, T, D] → [N, H, T, D/H] (keys → [N, H, D/H, T]).
        string Heads(string name, Dense projection, params long[] perm)
            => e.Node("Transpose", $"{p}/{name}_heads", [e.Node("Reshape", $"{p}/{name}_split", [e.Emit(projection, x[0]), split])], [AttributeProto.IntList("perm", perm)]);

        string q = Heads("query", a.Query, 0, 2, 1, 3);
        string k = Heads("key", a.Key, 0, 2, 3, 1);
        string v = Heads("value", a.Value, 0, 2, 1, 3);
        string scores = e.Node("Mul", p + "/scores", [e.Node("MatMul", p + "/qk", [q, k]), e.Scalar(p + "/scale", 1f / MathF.Sqrt(size))]);
        string penalty = e.Node("Mul", p + "/penalty", [e.Node("Sub", p + "/padding", [x[1], e.Scalar(p + "/one", 1f)]), e.Scalar(p + "/big", 1e9f)]);
        string bias = e.Node("Unsqueeze", p + "/bias", [penalty, e.Int64s(p + "/bias_axes", 1, 2)]);
        string weights = e.Node("Softmax", p + "/weights", [e.Node("Add", p + "/masked", [scores, bias])], [AttributeProto.Int("axis", -1)]);
        string context = e.Node("Transpose", p + "/context_t", [e.Node("MatMul", p + "/context", [weights, v])], [AttributeProto.IntList("perm", 0, 2, 1, 3)]);
        string merged = e.Node("Reshape", p + "/merge", [context, e.Int64s(p + "/merged_shape", 0, 0, d)]);
        return e.Emit(a.Norm, e.Node("Add", p + "/residual", [e.Emit(a.Output, merged), x[0]]));
    }
}
