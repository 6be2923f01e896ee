using Frost.Layers;

namespace Frost.Text.Tests;

public class SentenceEmbedderTests
{
    /// <summary>A small random encoder over the MiniLM vocabulary (the real model is checked against ONNX Runtime in Frost.Onnx.Tests).</summary>
    private static BertEncoder Encoder() => new(new BertConfig(30522, 8, 1, 2, 16, MaxPositions: 256), new Rng(1));

    [Fact]
    public void MeanPool_averages_kept_tokens_and_scales_to_unit_length()
    {
        var hidden = Tensor.FromArray([1, 2, 3, 4, 100, 100, /* row 1 */ 3, 4, 0, 0, 0, 0, /* row 2 */ 5, 5, 5, 5, 5, 5], 3, 3, 2);
        var mask = Tensor.FromArray([1, 1, 0, 1, 0, 0, 0, 0, 0], 3, 3);
        Assert.Equal([2, 3, 3, 4, 0, 0], SentenceEmbedder.MeanPool(hidden, mask, normalize: false).ToArray());
        var unit = SentenceEmbedder.MeanPool(hidden, mask).ToArray();
        Assert.Equal(2 / MathF.Sqrt(13), unit[0], 6);
        Assert.Equal(0.6f, unit[2], 6);
        Assert.Equal([0f, 0f], unit[4..]); // no kept token: zeros, not NaN
        Assert.Throws<ArgumentException>(() => SentenceEmbedder.MeanPool(hidden, Tensor.Ones(3, 2)));
    }

    [Fact]
    public void Embed_keeps_the_order_whatever_the_batching_and_does_not_record()
    {
        string[] texts = ["a much longer sentence than the others, with several words in it", "short", "two words", "", "one more of middle length"];
        var encoder = Encoder();
        var one = new SentenceEmbedder(encoder, TestFiles.MiniLm, maxLength: 32, batchSize: 2).Embed(texts);
        var all = new SentenceEmbedder(encoder, TestFiles.MiniLm, maxLength: 32).Embed(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var alone = new SentenceEmbedder(encoder, TestFiles.MiniLm, maxLength: 32).Embed(texts[i]);
            for (int j = 0; j < alone.Length; j++)
            {
                Assert.Equal(alone[j], one[i][j], 5);
                Assert.Equal(alone[j], all[i][j], 5);
            }

            Assert.Equal(1.0, Math.Sqrt(alone.Sum(x => (double)x * x)), 5);
        }

        using var tape = new GradientTape();
        _ = new SentenceEmbedder(encoder, TestFiles.MiniLm).Embed(texts);
        Assert.Equal(0, tape.RecordedOps);
    }

    [Fact]
    public void Cosine_and_bad_settings()
    {
        Assert.Equal(1f, SentenceEmbedder.Cosine([1, 2], [2, 4]), 6);
        Assert.Equal(0f, SentenceEmbedder.Cosine([1, 0], [0, 0]));
        Assert.Throws<ArgumentException>(() => SentenceEmbedder.Cosine([1], [1, 2]));
        var encoder = Encoder();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SentenceEmbedder(encoder, TestFiles.MiniLm, maxLength: 257));
        encoder.Output = BertOutput.Pooled;
        var ex = Assert.Throws<InvalidOperationException>(() => new SentenceEmbedder(encoder, TestFiles.MiniLm).Embed("x"));
        Assert.Contains("HiddenStates", ex.Message, StringComparison.Ordinal);
    }
}
