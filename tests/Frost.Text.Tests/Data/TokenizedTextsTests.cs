using Frost.Text.Data;

namespace Frost.Text.Tests.Data;

public sealed class TokenizedTextsTests
{
    private static readonly LabeledTexts Texts = new(
        ["Hello, world!", "one two three four five six seven eight nine ten", "ok"], [0, 1, 0], ["greeting", "count"]);

    [Fact]
    public void Long_texts_keep_their_head_and_tail_pieces_between_cls_and_sep()
    {
        var tok = TestFiles.MiniLm;
        var data = TokenizedTexts.Encode(Texts, tok, maxLength: 7, tailPieces: 2);
        Assert.Equal([101, 7592, 1010, 2088, 999, 102], data.Ids(0).ToArray());
        int[] count = tok.Pieces(Texts.Texts[1]);
        Assert.Equal([101, count[0], count[1], count[2], count[^2], count[^1], 102], data.Ids(1).ToArray());
        Assert.Equal(1, data.Truncated);
        Assert.Equal([6, 7, 3], Enumerable.Range(0, 3).Select(data.LengthOf));
        Assert.Equal(Texts.ClassNames, data.ClassNames);
    }

    [Fact]
    public void EncodeText_cuts_one_text_exactly_as_Encode_cuts_the_set()
    {
        var tok = TestFiles.MiniLm;
        foreach (var (length, tail) in new[] { (7, 2), (4, 1), (16, 0), (3, 0) })
        {
            var data = TokenizedTexts.Encode(Texts, tok, length, tail);
            for (int i = 0; i < Texts.Count; i++)
            {
                Assert.Equal(data.Ids(i).ToArray(), TokenizedTexts.EncodeText(Texts.Texts[i], tok, length, tail));
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => TokenizedTexts.EncodeText("x", tok, 5, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenizedTexts.EncodeText("x", tok, 2));
    }

    [Fact]
    public void A_batch_is_padded_to_its_own_longest_text_with_a_mask()
    {
        var data = TokenizedTexts.Encode(Texts, TestFiles.MiniLm, maxLength: 16);
        var batch = data.Read([[2, 0]], training: true, epoch: 0).Single();
        Assert.Equal(new Shape(2, 6), batch.Inputs[0].Shape);
        int[] ok = TestFiles.MiniLm.Encode("ok", 16);
        Assert.Equal([.. ok, .. new int[6 - ok.Length], 101, 7592, 1010, 2088, 999, 102], batch.Inputs[0].ToArray().Select(v => (int)v));
        Assert.Equal([.. ok.Select(_ => 1f), .. new float[6 - ok.Length], 1, 1, 1, 1, 1, 1], batch.Inputs[1].ToArray());
        Assert.Equal([0, 0], batch.Labels);
        Assert.Equal([2, 0], batch.Indices);
    }

    [Fact]
    public void Length_bucket_batches_cover_every_text_once_and_need_lengths()
    {
        var data = TokenizedTexts.Encode(Texts, TestFiles.MiniLm, maxLength: 16);
        var batches = new LengthBucketBatches(seed: 3).Batches(data, 2, epoch: 1);
        Assert.Equal([0, 1, 2], batches.SelectMany(b => b).Order());
        Assert.Equal(batches, new LengthBucketBatches(seed: 3).Batches(data, 2, epoch: 1));
        var images = new Frost.Data.InMemoryDataset(Tensor.Zeros(2, 1), [0, 1], ["a", "b"]);
        var e = Assert.Throws<ArgumentException>(() => new LengthBucketBatches(1).Batches(images, 2, 0));
        Assert.Contains("IVariableLengthDataset", e.Message, StringComparison.Ordinal);
    }
}
