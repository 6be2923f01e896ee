using Frost.Text.Tokenization;

namespace Frost.Text.Tests.Tokenization;

public class BertBasicNormalizerTests
{
    private static readonly BertBasicNormalizer s_uncased = new();

    [Theory]
    [InlineData("Café naïve résumé", "cafe naive resume")]
    [InlineData("line\nBody", "line body")]
    [InlineData("tab\there\r\nCRLF", "tab here  crlf")]
    [InlineData("a\u00A0b\u2003c\u3000d\u2028e", "a b c d e")]
    [InlineData("ÅNGSTRÖM Ǆ ΣΊΣΥΦΟΣ", "angstrom ǆ σισυφοσ")]
    [InlineData("İstanbul", "istanbul")]
    [InlineData("한", "\u1112\u1161\u11AB")]
    [InlineData("", "")]
    public void Normalize_cleans_strips_accents_and_lowercases(string text, string expected) =>
        Assert.Equal(expected, s_uncased.Normalize(text));

    [Fact]
    public void Normalize_removes_controls_format_private_use_and_replacement_characters()
    {
        // U+000B, U+000C and U+0085 are controls before they are whitespace, so they go rather than becoming spaces.
        string text = "zero\u200Bwidth soft\u00ADhy nul\u0000x repl\uFFFDy priv\uE000z \U000F0000v vt\u000Bff\u000Cnel\u0085w";
        Assert.Equal("zerowidth softhy nulx reply privz v vtffnelw", s_uncased.Normalize(text));
    }

    [Fact]
    public void Normalize_reads_a_lone_surrogate_as_a_replacement_character_and_removes_it()
    {
        Assert.Equal("abcd", s_uncased.Normalize("ab\uD800cd"));
        Assert.Equal("abcd", s_uncased.Normalize("ab\uDC00cd"));
    }

    [Fact]
    public void Normalize_pads_cjk_ideographs_including_compatibility_ones()
    {
        // U+F900 is padded, then decomposes to U+8C48; kana and hangul are not CJK ideographs here.
        Assert.Equal(" 東  京 と", s_uncased.Normalize("東京と"));
        Assert.Equal("a \u8C48 b", s_uncased.Normalize("a\uF900b"));
        Assert.Equal("カタ", s_uncased.Normalize("カタ"));
    }

    [Fact]
    public void Normalize_keeps_kept_combining_characters_in_canonical_order()
    {
        // U+1D16D (class 226) before U+1D165 (class 216) is reordered by NFD; both are spacing marks, so they survive
        // accent stripping. Non-spacing marks between them are dropped.
        Assert.Equal("\U0001D165\U0001D16D", s_uncased.Normalize("\U0001D16D\u0301\U0001D165"));
        Assert.Equal("a", s_uncased.Normalize("a\u0323\u0301"));
    }

    [Fact]
    public void Normalize_follows_the_rust_tables_where_dotnet_unicode_differs()
    {
        // Assigned after the Rust library's Unicode tables, so it treats them as unassigned letters: the Unicode 14
        // format character U+0890 is kept, and the Unicode 10 mark U+1DF6 is not stripped.
        Assert.Equal("x\u0890y", s_uncased.Normalize("x\u0890y"));
        Assert.Equal("e\u1DF6", s_uncased.Normalize("e\u1DF6"));

        // U+180E was whitespace in old Unicode; now a format character, removed.
        Assert.Equal("ab", s_uncased.Normalize("a\u180Eb"));
    }

    [Fact]
    public void Cased_options_keep_case_and_accents_but_still_clean()
    {
        var cased = new BertBasicNormalizer(lowercase: false);
        Assert.False(cased.StripAccents);
        Assert.Equal("Café Body", cased.Normalize("Café\nBody\u200B"));
        Assert.Equal("café", new BertBasicNormalizer(lowercase: true, stripAccents: false).Normalize("Café"));
        Assert.Equal("i\u0307", new BertBasicNormalizer(lowercase: true, stripAccents: false).Normalize("İ"));
        Assert.Equal("a\tb東", new BertBasicNormalizer(cleanText: false, handleChineseChars: false).Normalize("A\tB東"));
    }
}
