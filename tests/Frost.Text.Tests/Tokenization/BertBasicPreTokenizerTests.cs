using Frost.Text.Tokenization;

namespace Frost.Text.Tests.Tokenization;

public class BertBasicPreTokenizerTests
{
    private static string[] Words(string text) =>
        [.. new BertBasicPreTokenizer().PreTokenize(text).Select(w => text.Substring(w.Offset, w.Length))];

    [Fact]
    public void PreTokenize_splits_at_whitespace_and_isolates_punctuation()
    {
        Assert.Equal(["Hey", "friend", "!", "How", "are", "you", "?", "!", "?"], Words("Hey friend!     How are you?!?"));
        Assert.Equal(["line", "body"], Words("line\nbody"));
        Assert.Empty(Words(" \t\n "));
        Assert.Empty(Words(""));
    }

    [Fact]
    public void PreTokenize_isolates_every_ascii_symbol_but_not_other_symbols()
    {
        Assert.Equal(["a", "$", "b", "+", "c", "<", "=", ">", "^", "|", "~", "`", "d"], Words("a$b+c<=>^|~`d"));

        // Currency signs, emoji and non-ASCII math symbols are not punctuation: they stay in their word.
        Assert.Equal(["5€", "€5", "a😀b", "x≤y", "™"], Words("5€ €5 a😀b x≤y ™"));

        // Unicode punctuation is isolated: inverted question mark, guillemets, ideographic full stop, em dash.
        Assert.Equal(["¿", "qué", "?", "«", "hi", "»", "。", "a", "—", "b"], Words("¿qué? «hi»。a—b"));
    }

    [Fact]
    public void PreTokenize_gives_utf16_offsets_with_surrogate_pairs()
    {
        var words = new BertBasicPreTokenizer().PreTokenize("😀!x").ToArray();
        Assert.Equal([(0, 2), (2, 1), (3, 1)], words);
    }

    [Fact]
    public void PreTokenize_follows_the_rust_tables_where_dotnet_unicode_differs()
    {
        // U+2E5D (a Unicode 14 dash) is not punctuation for the Rust library; U+166D was punctuation in its tables.
        Assert.Equal(["a\u2E5Db"], Words("a\u2E5Db"));
        Assert.Equal(["a", "\u166D", "b"], Words("a\u166Db"));
    }
}
