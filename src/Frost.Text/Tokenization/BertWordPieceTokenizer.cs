using System.Text;
using Microsoft.ML.Tokenizers;

namespace Frost.Text.Tokenization;

/// <summary>
/// WordPiece tokenization of BERT-family models that gives the ids Hugging Face <c>tokenizers</c> gives: a
/// <see cref="BertTokenizer"/> of Microsoft.ML.Tokenizers set up with <see cref="BertBasicNormalizer"/> and
/// <see cref="BertBasicPreTokenizer"/>, Hugging Face's handling of special tokens in the text, and truncation at the
/// piece level.
/// </summary>
/// <remarks>
/// Pipeline: the text is split at exact occurrences of the special tokens ([PAD], [UNK], [CLS], [SEP], [MASK]), which
/// become their ids; every other part is normalized, split into words, and each word into the longest-match-first
/// WordPiece pieces (continuations prefixed "##"; a word of more than 100 characters, or one that cannot be covered
/// by the vocabulary, becomes [UNK]). <see cref="Encode"/> keeps the first <c>maxLength − 2</c> pieces, cutting a
/// word if needed, and adds [CLS] in front and [SEP] at the end. Instances are immutable and safe to share across
/// threads.
/// </remarks>
public sealed class BertWordPieceTokenizer
{
    /// <summary>The largest vocabulary file read, in bytes (bert-base vocabularies are about 230 KB).</summary>
    public const int MaxVocabularyBytes = 64 << 20;

    private static readonly string[] s_specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    private readonly string[] _vocabulary;
    private readonly int[] _specialIds;

    private BertWordPieceTokenizer(BertTokenizer inner, string[] vocabulary, int[] specialIds)
    {
        Inner = inner;
        _vocabulary = vocabulary;
        _specialIds = specialIds;
    }

    /// <summary>The Microsoft.ML.Tokenizers tokenizer underneath (with Frost's normalizer and pre-tokenizer).</summary>
    public BertTokenizer Inner { get; }

    /// <summary>Number of entries in the vocabulary (ids are 0..VocabularySize−1).</summary>
    public int VocabularySize => _vocabulary.Length;

    /// <summary>The id of [CLS], put in front of every encoded text.</summary>
    public int ClsId => Inner.ClassificationTokenId;

    /// <summary>The id of [SEP], put at the end of every encoded text.</summary>
    public int SepId => Inner.SeparatorTokenId;

    /// <summary>The id of [PAD], used for padding in <see cref="EncodeBatch"/>.</summary>
    public int PadId => Inner.PaddingTokenId;

    /// <summary>The id of [UNK], for words the vocabulary cannot cover.</summary>
    public int UnkId => Inner.UnknownTokenId;

    /// <summary>Creates a tokenizer from a WordPiece vocabulary: UTF-8 text, one token per line (LF or CRLF), id = line number.</summary>
    /// <param name="vocabulary">The vocabulary; read to its end, not disposed.</param>
    /// <param name="name">Names the vocabulary in error messages.</param>
    /// <param name="lowercase">Lower-case and strip accents (uncased models); false for cased models.</param>
    /// <exception cref="InvalidDataException">The vocabulary is too large, has a duplicate entry, or lacks a special token.</exception>
    public static BertWordPieceTokenizer Create(Stream vocabulary, string name = "vocabulary", bool lowercase = true)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(name);
        byte[] bytes = ReadBounded(vocabulary, name);
        string[] tokens = SplitLines(Encoding.UTF8.GetString(bytes));
        var index = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Length != 0 && !index.TryAdd(tokens[i], i))
            {
                throw new InvalidDataException($"{name}: line {i + 1} repeats the token '{tokens[i]}' of line {index[tokens[i]] + 1}.");
            }
        }

        var specialIds = new int[s_specialTokens.Length];
        for (int i = 0; i < s_specialTokens.Length; i++)
        {
            if (!index.TryGetValue(s_specialTokens[i], out specialIds[i]))
            {
                throw new InvalidDataException($"{name}: the special token {s_specialTokens[i]} is not in the vocabulary.");
            }
        }

        var options = new BertOptions
        {
            Normalizer = new BertBasicNormalizer(lowercase),
            PreTokenizer = new BertBasicPreTokenizer(),

            // Special tokens are split off the raw text here, as Hugging Face does, not after normalization.
            SplitOnSpecialTokens = false,
            LowerCaseBeforeTokenization = false,
            UnknownToken = "[UNK]",
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = 100,
        };
        var inner = BertTokenizer.Create(new MemoryStream(bytes, writable: false), options);
        return new BertWordPieceTokenizer(inner, tokens, specialIds);
    }

    /// <summary>The tokenizer of all-MiniLM-L6-v2 (bert-base-uncased vocabulary) from <see cref="MiniLmPackage"/>.</summary>
    /// <param name="assemblyPath">The package's DLL; by default <see cref="MiniLmPackage.Find"/>.</param>
    /// <exception cref="FileNotFoundException">The package is not restored; the message says which one to restore.</exception>
    public static BertWordPieceTokenizer FromMiniLm(string? assemblyPath = null)
    {
        string path = assemblyPath ?? MiniLmPackage.Find();
        using var stream = MiniLmPackage.OpenVocabulary(path);
        return Create(stream, $"{path}:{MiniLmPackage.VocabularyResourceName}");
    }

    /// <summary>The vocabulary entry of <paramref name="id"/>.</summary>
    public string Token(int id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)_vocabulary.Length, nameof(id));
        return _vocabulary[id];
    }

    /// <summary>All WordPiece ids of <paramref name="text"/>, without [CLS]/[SEP] and without truncation.</summary>
    public int[] Pieces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        AppendPieces(text, ids, int.MaxValue);
        return [.. ids];
    }

    /// <summary>The pieces of <paramref name="text"/> as strings (continuations start with "##"), for inspection.</summary>
    public string[] Tokenize(string text) => [.. Pieces(text).Select(Token)];

    /// <summary>
    /// The ids of <paramref name="text"/> as the model takes them: [CLS], the first <c>maxLength − 2</c> pieces, [SEP].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 2.</exception>
    public int[] Encode(string text, int maxLength = 512)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var ids = new List<int>(Math.Min(maxLength, text.Length / 3 + 4)) { ClsId };
        AppendPieces(text, ids, maxLength - 1);
        ids.Add(SepId);
        return [.. ids];
    }

    /// <summary>
    /// Encodes each text with <see cref="Encode"/> and pads every row with [PAD] to the longest row's length, with an
    /// attention mask.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="texts"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 2.</exception>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (texts.Count == 0)
        {
            throw new ArgumentException("EncodeBatch: the batch has no texts.", nameof(texts));
        }

        var rows = new int[texts.Count][];
        int length = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = Encode(texts[i] ?? throw new ArgumentException($"EncodeBatch: text {i} is null.", nameof(texts)), maxLength);
            length = Math.Max(length, rows[i].Length);
        }

        var ids = new int[rows.Length * length];
        var mask = new int[ids.Length];
        ids.AsSpan().Fill(PadId);
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i].CopyTo(ids.AsSpan(i * length));
            mask.AsSpan(i * length, rows[i].Length).Fill(1);
        }

        return new TokenBatch(ids, mask, rows.Length, length, PadId);
    }

    /// <summary>Appends the pieces of <paramref name="text"/> to <paramref name="ids"/> until it holds <paramref name="limit"/> ids.</summary>
    private void AppendPieces(string text, List<int> ids, int limit)
    {
        var rest = text.AsSpan();
        while (ids.Count < limit && !rest.IsEmpty)
        {
            // The next special token, matched exactly in the raw text (all of them start with '[').
            int at = -1, special = -1;
            for (int i = rest.IndexOf('['); i >= 0; i = NextBracket(rest, i))
            {
                special = SpecialAt(rest[i..]);
                if (special >= 0)
                {
                    at = i;
                    break;
                }
            }

            var segment = at < 0 ? rest : rest[..at];
            if (!segment.IsEmpty)
            {
                AppendSegment(segment, ids, limit);
            }

            if (at < 0)
            {
                break;
            }

            if (ids.Count < limit)
            {
                ids.Add(_specialIds[special]);
            }

            rest = rest[(at + s_specialTokens[special].Length)..];
        }
    }

    private static int NextBracket(ReadOnlySpan<char> text, int i)
    {
        int next = text[(i + 1)..].IndexOf('[');
        return next < 0 ? -1 : i + 1 + next;
    }

    private static int SpecialAt(ReadOnlySpan<char> text)
    {
        for (int s = 0; s < s_specialTokens.Length; s++)
        {
            if (text.StartsWith(s_specialTokens[s], StringComparison.Ordinal))
            {
                return s;
            }
        }

        return -1;
    }

    private void AppendSegment(ReadOnlySpan<char> segment, List<int> ids, int limit)
    {
        if (limit == int.MaxValue)
        {
            ids.AddRange(Inner.EncodeToIds(segment, addSpecialTokens: false));
            return;
        }

        // Microsoft.ML.Tokenizers stops before a word whose pieces do not all fit; Hugging Face keeps that word's
        // first pieces. So encode whole words up to the limit, then cut the next word, and go on if it was shorter
        // than its partial pieces suggested (a word that fails to match becomes a single [UNK]).
        string normalized = Inner.Normalizer!.Normalize(segment);
        int pos = 0;
        var words = new List<(int Offset, int Length)>();
        while (ids.Count < limit && pos < normalized.Length)
        {
            var got = Inner.EncodeToIds(
                normalized.AsSpan(pos), limit - ids.Count, addSpecialTokens: false, out _, out int consumed, considerNormalization: false);
            ids.AddRange(got);
            pos += consumed;
            if (ids.Count >= limit)
            {
                break;
            }

            words.Clear();
            BertBasicPreTokenizer.Split(normalized.AsSpan(pos), words);
            if (words.Count == 0)
            {
                break;
            }

            var (offset, length) = words[0];
            var pieces = Inner.EncodeToIds(
                normalized.AsSpan(pos + offset, length), addSpecialTokens: false, considerPreTokenization: false, considerNormalization: false);
            int take = Math.Min(pieces.Count, limit - ids.Count);
            for (int i = 0; i < take; i++)
            {
                ids.Add(pieces[i]);
            }

            pos += offset + length;
        }
    }

    private static byte[] ReadBounded(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > MaxVocabularyBytes)
            {
                throw new InvalidDataException($"{name}: more than {MaxVocabularyBytes} bytes; that is not a WordPiece vocabulary.");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static string[] SplitLines(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var lines = text.Split('\n');
        int count = lines.Length;
        if (count > 0 && lines[^1].Length == 0)
        {
            count--; // the final line break ends the last line; it starts no new one
        }

        var tokens = new string[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
        }

        return tokens;
    }
}
