using Frost.Text.Tokenization;

namespace Frost.Text.Tests.Tokenization;

public class BertWordPieceTokenizerTests
{
    private static BertWordPieceTokenizer MiniLm => TestFiles.MiniLm;

    [Fact]
    public void The_minilm_vocabulary_has_the_bert_special_ids()
    {
        Assert.Equal(30_522, MiniLm.VocabularySize);
        Assert.Equal((101, 102, 0, 100), (MiniLm.ClsId, MiniLm.SepId, MiniLm.PadId, MiniLm.UnkId));
        Assert.Equal("##body", MiniLm.Token(23684));
    }

    [Fact]
    public void Encode_gives_the_hugging_face_ids_of_known_texts()
    {
        Assert.Equal([101, 7592, 1010, 2088, 999, 102], MiniLm.Encode("Hello, world!"));

        // Accents are stripped (NFD, then non-spacing marks dropped) before the vocabulary lookup.
        Assert.Equal([101, 7668, 15743, 13746, 102], MiniLm.Encode("Café naïve résumé"));
    }

    [Fact]
    public void A_line_break_separates_words()
    {
        // Newline, tab and CR become spaces; the words are not glued into "line ##body".
        Assert.Equal(["line", "body"], MiniLm.Tokenize("line\nBody"));
        Assert.Equal(["line", "body", "tab", "x"], MiniLm.Tokenize("line\r\nBody\ttab\rx"));
    }

    [Fact]
    public void Ascii_symbols_are_words_of_their_own_and_the_euro_sign_stays_in_its_word()
    {
        // BertPreTokenizer isolates every char::is_ascii_punctuation character, which includes the ASCII symbols
        // $ + < = > ^ | ~ `, and each is in the vocabulary: $ 1002, + 1009, < 1026, = 1027, > 1028, ^ 1034, | 1064,
        // ~ 1066. € (U+20AC) is a currency symbol (Sc), not punctuation, so it stays inside its word; alone it is the
        // vocabulary entry "€" 1574, after a digit the continuation "##€" 30102, and before one "€" then "##5" 2629.
        Assert.Equal([101, 1002, 1009, 1026, 1027, 1028, 1034, 1064, 1066, 1574, 102], MiniLm.Encode("$ + < = > ^ | ~ €"));
        Assert.Equal(["5", "##€", "€", "##5", "$", "5"], MiniLm.Tokenize("5€ €5 $5"));

        // An emoji is neither punctuation nor in the vocabulary: the whole word holding it becomes [UNK].
        Assert.Equal(["[UNK]", "!", "[UNK]"], MiniLm.Tokenize("rocks🚀! 😀"));
    }

    [Fact]
    public void Special_tokens_in_the_text_are_matched_exactly_before_normalization()
    {
        Assert.Equal([101, 7632, 102, 2045, 102], MiniLm.Encode("Hi [SEP] there"));

        // Lower case is not a special token: "[cls]" is split like any text.
        Assert.Equal(["[", "cl", "##s", "]"], MiniLm.Tokenize("[cls]"));
    }

    [Fact]
    public void Long_and_uncoverable_words_become_unknown()
    {
        // More than 100 characters: [UNK] without a lookup; 100 are still split into pieces.
        Assert.Equal([100], MiniLm.Pieces(new string('b', 101)));
        Assert.True(MiniLm.Pieces(new string('b', 100)).Length > 1);

        // A word that the pieces cannot cover entirely is one [UNK], not its covered prefix.
        Assert.Equal(["[UNK]"], MiniLm.Tokenize("abc😀"));
    }

    [Theory]
    [InlineData("Unbelievably, tokenization handles hyphenated-words and URLs like http://example.com/a?b=c.")]
    [InlineData("x supercalifragilisticexpialidocious y [SEP] z")]
    [InlineData("rocks🚀 abcdefgh😀 more words here")]
    public void Encode_truncates_at_the_piece_level(string text)
    {
        int[] pieces = MiniLm.Pieces(text);
        for (int max = 2; max <= pieces.Length + 3; max++)
        {
            int keep = Math.Min(pieces.Length, max - 2);
            int[] expected = [MiniLm.ClsId, .. pieces[..keep], MiniLm.SepId];
            Assert.Equal(expected, MiniLm.Encode(text, max));
        }
    }

    [Fact]
    public void Encode_needs_room_for_cls_and_sep()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MiniLm.Encode("x", 1));
        Assert.Equal([101, 102], MiniLm.Encode("anything", 2));
        Assert.Equal([101, 102], MiniLm.Encode(""));
    }

    [Fact]
    public void EncodeBatch_pads_to_the_longest_row_with_a_mask()
    {
        var batch = MiniLm.EncodeBatch(["Hello, world!", "", "line\nBody"], maxLength: 128);
        Assert.Equal((3, 6), (batch.BatchSize, batch.Length));
        Assert.Equal([6, 2, 4], batch.Lengths);
        Assert.Equal(
            [101, 7592, 1010, 2088, 999, 102, 101, 102, 0, 0, 0, 0, 101, 2240, 2303, 102, 0, 0],
            batch.Ids);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0], batch.Mask);
        Assert.Equal(12, batch.TokenCount);
        Assert.Equal([101, 2240, 2303, 102], batch.Row(2).ToArray());

        var truncated = MiniLm.EncodeBatch(["Hello, world!", "x"], maxLength: 4);
        Assert.Equal([101, 7592, 1010, 102, 101, 1060, 102, 0], truncated.Ids);
    }

    [Fact]
    public void TokenBatch_tensors_hold_ids_and_mask_as_float32()
    {
        var batch = MiniLm.EncodeBatch(["Hello, world!", "x"], maxLength: 128);
        var ids = batch.IdsTensor();
        var mask = batch.MaskTensor();
        Assert.Equal(new Shape(2, 6), ids.Shape);
        Assert.Equal(new Shape(2, 6), mask.Shape);
        Assert.Equal(batch.Ids.Select(i => (float)i), ids.AsReadOnlySpan().ToArray());
        Assert.Equal(batch.Mask.Select(i => (float)i), mask.AsReadOnlySpan().ToArray());
    }

    [Fact]
    public void TokenBatch_checks_its_arrays()
    {
        Assert.Throws<ArgumentException>(() => new TokenBatch([1, 2, 3], [1, 1, 1], 2, 2));
        Assert.Throws<ArgumentException>(() => new TokenBatch([1, 2, 3, 4], [1, 2, 1, 1], 2, 2));
        Assert.Throws<ArgumentException>(() => new TokenBatch([1, 2, 3, 4], [0, 1, 1, 1], 2, 2));
        Assert.Equal([2, 1], new TokenBatch([1, 2, 3, 4], [1, 1, 1, 0], 2, 2).Lengths);
        Assert.Throws<ArgumentException>(() => MiniLm.EncodeBatch([], 8));
    }

    [Fact]
    public void Create_reads_a_small_vocabulary_and_names_what_is_wrong()
    {
        string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n##s\nworld\n";
        var tok = BertWordPieceTokenizer.Create(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(vocab)), "tiny.txt");
        Assert.Equal(8, tok.VocabularySize);
        Assert.Equal([2, 5, 6, 7, 1, 3], tok.Encode("Hellos WORLD?"));

        var dup = Assert.Throws<InvalidDataException>(() =>
            BertWordPieceTokenizer.Create(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(vocab + "hello\n")), "dup.txt"));
        Assert.Equal("dup.txt: line 9 repeats the token 'hello' of line 6.", dup.Message);

        var missing = Assert.Throws<InvalidDataException>(() =>
            BertWordPieceTokenizer.Create(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("[PAD]\n[UNK]\n")), "short.txt"));
        Assert.Equal("short.txt: the special token [CLS] is not in the vocabulary.", missing.Message);
    }
}
