using System.Text;
using Microsoft.ML.Tokenizers;

namespace Frost.Text.Tokenization;

/// <summary>
/// The pre-tokenization of BERT tokenizers, as Hugging Face <c>tokenizers</c> does it (its <c>BertPreTokenizer</c>):
/// words are split at whitespace (which is dropped), and every punctuation character is a word of its own.
/// </summary>
/// <remarks>
/// Whitespace is the Unicode White_Space property. Punctuation is every ASCII punctuation or symbol character
/// (<c>! " # $ % &amp; ' ( ) * + , - . / : ; &lt; = &gt; ? @ [ \ ] ^ _ ` { | } ~</c>) and every character of the
/// Unicode punctuation categories (Pc, Pd, Ps, Pe, Pi, Pf, Po) as the Rust library's tables have them. Other
/// symbols (currency signs such as €, emoji, math symbols beyond ASCII) stay inside their word. Offsets and lengths
/// are in UTF-16 code units of the text given.
/// </remarks>
public sealed class BertBasicPreTokenizer : PreTokenizer
{
    /// <summary>The words of <paramref name="text"/> as (offset, length) pairs, in order.</summary>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PreTokenize(text.AsSpan());
    }

    /// <summary>The words of <paramref name="text"/> as (offset, length) pairs, in order.</summary>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        var words = new List<(int Offset, int Length)>();
        Split(text, words);
        return words;
    }

    /// <summary>Appends the words of <paramref name="text"/> to <paramref name="words"/>.</summary>
    internal static void Split(ReadOnlySpan<char> text, List<(int Offset, int Length)> words)
    {
        int start = -1;
        int i = 0;
        while (i < text.Length)
        {
            int used;
            byte flags;
            char c = text[i];
            if (c < 0x80)
            {
                used = 1;
                flags = BertUnicode.Flags(c);
            }
            else
            {
                Rune.DecodeFromUtf16(text[i..], out Rune rune, out used);
                flags = BertUnicode.Flags(rune.Value);
            }

            if ((flags & (BertUnicode.Split | BertUnicode.Punctuation)) != 0)
            {
                if (start >= 0)
                {
                    words.Add((start, i - start));
                    start = -1;
                }

                if ((flags & BertUnicode.Punctuation) != 0)
                {
                    words.Add((i, used));
                }
            }
            else if (start < 0)
            {
                start = i;
            }

            i += used;
        }

        if (start >= 0)
        {
            words.Add((start, text.Length - start));
        }
    }
}
