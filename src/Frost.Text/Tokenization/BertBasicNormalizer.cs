using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Frost.Text.Tokenization;

/// <summary>
/// The text normalization of BERT tokenizers, as Hugging Face <c>tokenizers</c> does it (its <c>BertNormalizer</c>):
/// clean the text, pad CJK ideographs with spaces, strip accents, lower-case. Set as
/// <see cref="WordPieceOptions.Normalizer"/> of a <see cref="BertTokenizer"/> (with <see cref="BertBasicPreTokenizer"/>)
/// to get the ids the Python tokenizers give.
/// </summary>
/// <remarks>
/// The steps, each over the whole text, in this order:
/// <list type="number">
/// <item>Cleaning: U+0000, U+FFFD, control characters other than tab, LF and CR, format characters (Cf) and
/// private-use characters are removed; tab, LF, CR and the other White_Space characters become a space. Unassigned
/// code points are kept.</item>
/// <item>CJK ideographs (the CJK Unified Ideographs blocks and their extensions, and the compatibility
/// ideographs) are surrounded by spaces.</item>
/// <item>Accent stripping: canonical decomposition (NFD), then non-spacing marks (Mn) are dropped.</item>
/// <item>Lower-casing of every character as Rust does it (U+0130 becomes "i" and U+0307).</item>
/// </list>
/// The character classes, decompositions and lower cases are those of the Rust library (older Unicode tables than
/// .NET's), recorded per code point, so the result does not depend on the runtime's Unicode version or globalization
/// mode. A lone surrogate is read as U+FFFD (and so removed), as Rust strings cannot hold one.
/// </remarks>
public sealed class BertBasicNormalizer : Normalizer
{
    /// <summary>Creates the normalizer; the defaults are those of uncased BERT models (bert-base-uncased, MiniLM).</summary>
    /// <param name="lowercase">Lower-case the text.</param>
    /// <param name="stripAccents">Strip accents; by default the same as <paramref name="lowercase"/>.</param>
    /// <param name="cleanText">Remove control characters and turn whitespace into spaces.</param>
    /// <param name="handleChineseChars">Surround CJK ideographs with spaces.</param>
    public BertBasicNormalizer(bool lowercase = true, bool? stripAccents = null, bool cleanText = true, bool handleChineseChars = true)
    {
        Lowercase = lowercase;
        StripAccents = stripAccents ?? lowercase;
        CleanText = cleanText;
        HandleChineseChars = handleChineseChars;
    }

    /// <summary>Whether the text is lower-cased.</summary>
    public bool Lowercase { get; }

    /// <summary>Whether accents are stripped (NFD, then non-spacing marks dropped).</summary>
    public bool StripAccents { get; }

    /// <summary>Whether control characters are removed and whitespace turned into spaces.</summary>
    public bool CleanText { get; }

    /// <summary>Whether CJK ideographs are surrounded by spaces.</summary>
    public bool HandleChineseChars { get; }

    /// <summary>The normalized text.</summary>
    public override string Normalize(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        return Normalize(original.AsSpan());
    }

    /// <summary>The normalized text.</summary>
    public override string Normalize(ReadOnlySpan<char> original)
    {
        var output = new CodePoints(original.Length + 16);
        try
        {
            int i = 0;
            while (i < original.Length)
            {
                int cp = original[i];
                if (cp < 0x80)
                {
                    i++;
                }
                else
                {
                    // Invalid UTF-16 (a lone surrogate) decodes as U+FFFD.
                    Rune.DecodeFromUtf16(original[i..], out Rune rune, out int used);
                    i += used;
                    cp = rune.Value;
                }

                byte flags = BertUnicode.Flags(cp);
                if (CleanText)
                {
                    if ((flags & BertUnicode.Remove) != 0)
                    {
                        continue;
                    }

                    if ((flags & BertUnicode.Space) != 0)
                    {
                        (cp, flags) = (' ', 0);
                    }
                }

                if (HandleChineseChars && (flags & BertUnicode.Cjk) != 0)
                {
                    AddStripped(ref output, ' ');
                    AddStripped(ref output, cp);
                    AddStripped(ref output, ' ');
                }
                else
                {
                    AddStripped(ref output, cp);
                }
            }

            return output.ToText(Lowercase);
        }
        finally
        {
            output.Dispose();
        }
    }

    private void AddStripped(ref CodePoints output, int cp)
    {
        if (!StripAccents)
        {
            output.Append(cp);
            return;
        }

        if (cp < 0xC0)
        {
            // Nothing below U+00C0 decomposes or is a mark: the common case.
            output.AddCanonical(cp, 0);
            return;
        }

        if (cp is >= 0xAC00 and <= 0xD7A3)
        {
            Span<int> jamo = stackalloc int[3];
            int n = BertUnicode.DecomposeHangul(cp, jamo);
            for (int j = 0; j < n; j++)
            {
                output.AddCanonical(jamo[j], 0);
            }

            return;
        }

        if (BertUnicode.StrippedDecomposition(cp) is { } seq)
        {
            // The decomposition already has its non-spacing marks dropped.
            foreach (int d in seq)
            {
                output.AddCanonical(d, BertUnicode.CombiningClass(d));
            }

            return;
        }

        if ((BertUnicode.Flags(cp) & BertUnicode.Mark) == 0)
        {
            output.AddCanonical(cp, BertUnicode.CombiningClass(cp));
        }
    }

    /// <summary>A growable buffer of code points that keeps combining sequences in canonical order.</summary>
    private struct CodePoints : IDisposable
    {
        private int[] _items;
        private int _count;
        private int _runStart;

        public CodePoints(int capacity)
        {
            _items = ArrayPool<int>.Shared.Rent(capacity);
        }

        public void Append(int cp)
        {
            if (_count == _items.Length)
            {
                Grow();
            }

            _items[_count++] = cp;
        }

        /// <summary>
        /// Appends a code point of combining class <paramref name="ccc"/>, moving it before the preceding characters
        /// of a higher class (the canonical ordering of NFD; stable for equal classes).
        /// </summary>
        /// <remarks>
        /// NOTE: dropping the non-spacing marks before ordering gives the same result as ordering first, because the
        /// ordering is a stable sort by class and removing elements keeps the others' relative order.
        /// </remarks>
        public void AddCanonical(int cp, int ccc)
        {
            if (ccc == 0)
            {
                Append(cp);
                _runStart = _count;
                return;
            }

            if (_count == _items.Length)
            {
                Grow();
            }

            int pos = _count;
            while (pos > _runStart && BertUnicode.CombiningClass(_items[pos - 1]) > ccc)
            {
                _items[pos] = _items[pos - 1];
                pos--;
            }

            _items[pos] = cp;
            _count++;
        }

        public readonly string ToText(bool lowercase)
        {
            int length = 0;
            for (int i = 0; i < _count; i++)
            {
                int cp = _items[i];
                if (cp < 0x80)
                {
                    length++;
                }
                else if (lowercase && BertUnicode.LowerCase(cp) is { } lower)
                {
                    foreach (int l in lower)
                    {
                        length += l < 0x10000 ? 1 : 2;
                    }
                }
                else
                {
                    length += cp < 0x10000 ? 1 : 2;
                }
            }

            return string.Create(length, (this, lowercase), static (span, state) =>
            {
                var (buffer, lowercase) = state;
                int w = 0;
                for (int i = 0; i < buffer._count; i++)
                {
                    int cp = buffer._items[i];
                    if (cp < 0x80)
                    {
                        span[w++] = (char)(lowercase && cp is >= 'A' and <= 'Z' ? cp + 32 : cp);
                    }
                    else if (lowercase && BertUnicode.LowerCase(cp) is { } lower)
                    {
                        foreach (int l in lower)
                        {
                            w += new Rune(l).EncodeToUtf16(span[w..]);
                        }
                    }
                    else
                    {
                        w += new Rune(cp).EncodeToUtf16(span[w..]);
                    }
                }
            });
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(_items);
            _items = [];
        }

        private void Grow()
        {
            var bigger = ArrayPool<int>.Shared.Rent(_items.Length * 2);
            _items.AsSpan(0, _count).CopyTo(bigger);
            ArrayPool<int>.Shared.Return(_items);
            _items = bigger;
        }
    }
}
