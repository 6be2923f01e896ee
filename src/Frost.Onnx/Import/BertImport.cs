using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// Rebuilds a BERT-family encoder exported to ONNX from Hugging Face (such as all-MiniLM-L6-v2) as a
/// <see cref="BertEncoder"/> with readable names — <c>embeddings/{word,position,token_type,norm}</c>,
/// <c>layerN/attention/{query,key,value,output,norm}</c>, <c>layerN/ffn/{up,down,norm}</c>, <c>pooler</c> — and the
/// graph's weights copied in.
/// </summary>
/// <remarks>
/// The graph is recognised by its structure, not by initializer names: lookups of word, position and token-type
/// embeddings and their layer norm; per layer, query/key/value projections split into heads, scores scaled by 1/√Dh
/// with the additive padding mask <c>(1 − mask)·c</c>, softmax, the output projection with residual and layer norm,
/// and the erf-GELU feed-forward block; then the tanh pooler on the first token. Sizes (vocabulary, hidden, layers,
/// heads, feed-forward, positions, ε) are read from the graph. The rebuilt encoder takes ids and mask as float tensors
/// and gives the graph's first output (<c>last_hidden_state</c>); set <see cref="BertEncoder.Output"/> for the pooled one.
/// </remarks>
/// <example>
/// <code>
/// var encoder = BertImport.FromOnnx(OnnxModel.Load(MiniLmPackage.OpenModel(), "all-MiniLM-L6-v2"));
/// </code>
/// </example>
public static class BertImport
{
    /// <summary>Rebuilds the encoder in <paramref name="model"/>.</summary>
    /// <param name="model">The parsed ONNX model.</param>
    /// <param name="tokenTypeInput">Whether the encoder takes token types as a third input (otherwise all 0).</param>
    /// <param name="name">The encoder's name when added to a parent.</param>
    /// <exception cref="NotSupportedException">The graph is not BERT-shaped, or is a text classifier; the one-line message names what did not match.</exception>
    /// <exception cref="OnnxFormatException">A weight's data is malformed.</exception>
    public static BertEncoder FromOnnx(OnnxModel model, bool tokenTypeInput = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var m = BertMatcher.Match(model);
        if (m.Head is not null)
        {
            throw new NotSupportedException($"{model.Source}: a text classifier (masked mean and a dense head to '{m.LogitsOutput}'), not an encoder; rebuild it with BertImport.ClassifierFromOnnx.");
        }

        var encoder = new BertEncoder(Config(m, model.Source), null, tokenTypeInput, name);
        var loader = new Loader(model.Source);
        CopyEncoder(loader, m, encoder.Embeddings, encoder.Layers, model.Source);
        if (m.Pooler is not null)
        {
            loader.Copy(encoder.Pooler, m.Pooler);
        }

        return encoder;
    }

    /// <summary>
    /// Rebuilds a text classifier exported by <see cref="OnnxExporter.ExportTextClassifier"/> (inputs token ids and
    /// attention mask, output logits) as a <see cref="BertClassifier"/> with the graph's weights: the encoder's parts as
    /// in <see cref="FromOnnx"/>, <c>pool</c> (the mean over the mask) and <c>head</c>. It takes ids and mask as float
    /// tensors [N, T] and gives the logits [N, classes].
    /// </summary>
    /// <param name="model">The parsed ONNX model.</param>
    /// <param name="name">The classifier's name when added to a parent.</param>
    /// <exception cref="NotSupportedException">The graph is not such a classifier; the one-line message names what did not match.</exception>
    /// <exception cref="OnnxFormatException">A weight's data is malformed.</exception>
    public static BertClassifier ClassifierFromOnnx(OnnxModel model, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var m = BertMatcher.Match(model);
        if (m.Head is null)
        {
            throw new NotSupportedException($"{model.Source}: not a text classifier graph: no mean over the attention mask followed by a dense head after the last layer.");
        }

        if (m.TokenTypeInput is not null)
        {
            throw new NotSupportedException($"{model.Source}: the classifier takes token types ('{m.TokenTypeInput}'); a BertClassifier reads single texts.");
        }

        var classifier = new BertClassifier(Config(m, model.Source), m.Head.OutFeatures, null, name);
        var loader = new Loader(model.Source);
        CopyEncoder(loader, m, classifier.Embeddings, classifier.Layers, model.Source);
        loader.Copy(classifier.Head, m.Head);
        return classifier;
    }

    /// <summary>The sizes read from the matched graph.</summary>
    private static BertConfig Config(BertGraphMatch m, string source)
    {
        var first = m.Layers[0];
        int hidden = (int)m.Word.Dims[1];
        var config = new BertConfig(
            VocabularySize: (int)m.Word.Dims[0],
            Hidden: hidden,
            Layers: m.Layers.Count,
            Heads: first.Heads,
            FeedForward: first.Up.OutFeatures,
            MaxPositions: (int)m.Position.Dims[0],
            TokenTypes: m.TokenType is null ? 1 : (int)m.TokenType.Dims[0],
            LayerNormEpsilon: m.EmbeddingNorm.Epsilon);
        if (hidden % config.Heads != 0)
        {
            throw new NotSupportedException($"{source}: not a BERT encoder graph: {hidden} features do not split into {config.Heads} heads.");
        }

        var norms = m.Layers.SelectMany(l => new[] { l.AttentionNorm, l.FfnNorm });
        if (norms.FirstOrDefault(n => Math.Abs(n.Epsilon - config.LayerNormEpsilon) > 1e-3 * config.LayerNormEpsilon) is { } odd)
        {
            throw new NotSupportedException($"{source}: layer norms use different epsilons ({config.LayerNormEpsilon:G3} and {odd.Epsilon:G3}); a BertEncoder has one.");
        }

        return config;
    }

    /// <summary>Copies the embeddings and layers of the matched graph.</summary>
    private static void CopyEncoder(Loader loader, BertGraphMatch m, BertEmbeddings emb, IReadOnlyList<BertLayer> layers, string source)
    {
        loader.Copy(emb.Word.Weight, m.Word);
        loader.Copy(emb.Position.Weight, m.Position);
        if (m.TokenType is not null)
        {
            loader.Copy(emb.TokenType.Weight, m.TokenType);
        }
        else
        {
            emb.TokenType.Weight.Value.AsSpan().Clear();
        }

        loader.Copy(emb.Norm, m.EmbeddingNorm);
        for (int i = 0; i < m.Layers.Count; i++)
        {
            var (src, dst) = (m.Layers[i], layers[i]);
            if (src.Heads != m.Layers[0].Heads)
            {
                throw new NotSupportedException($"{source}: layer {i} has {src.Heads} heads, layer 0 has {m.Layers[0].Heads}.");
            }

            loader.Copy(dst.Attention.Query, src.Query);
            loader.Copy(dst.Attention.Key, src.Key);
            loader.Copy(dst.Attention.Value, src.Value);
            loader.Copy(dst.Attention.Output, src.Output);
            loader.Copy(dst.Attention.Norm, src.AttentionNorm);
            loader.Copy(dst.Ffn.Up, src.Up);
            loader.Copy(dst.Ffn.Down, src.Down);
            loader.Copy(dst.Ffn.Norm, src.FfnNorm);
        }
    }

    /// <summary>Copies initializers into variables, checking every shape.</summary>
    private sealed class Loader(string source)
    {
        public void Copy(Variable target, TensorProto value)
        {
            var t = value.ToTensor();
            Check(target, t.Shape, value);
            target.Value.CopyFrom(t);
        }

        public void Copy(Dense target, DenseMatch d)
        {
            // NOTE: MatMul weights are stored [in, out]; Dense keeps PyTorch's [out, in].
            var w = d.Weight.ToTensor();
            var weight = d.OutIn ? w : Ops.Transpose(w);
            Check(target.Weight, weight.Shape, d.Weight);
            target.Weight.Value.CopyFrom(weight);
            if (d.Bias is not null)
            {
                Copy(target.Bias!, d.Bias);
            }
            else
            {
                target.Bias!.Value.AsSpan().Clear();
            }
        }

        public void Copy(LayerNorm target, LayerNormMatch n)
        {
            Copy(target.Weight, n.Weight);
            Copy(target.Bias, n.Bias);
        }

        private void Check(Variable target, Shape shape, TensorProto value)
        {
            if (shape != target.Shape)
            {
                throw new NotSupportedException($"{source}: '{value.Name}' is {shape} but '{target.Name}' needs {target.Shape}.");
            }
        }
    }
}
