using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Frost.Text.Data;

namespace Frost.Text.Tests.Tokenization;

/// <summary>
/// Token ids compared with Hugging Face <c>tokenizers</c> itself. The golden files in Reference/ were written by
/// <c>Reference/hf-encode.js</c> with the Rust library's Node binding (npm <c>tokenizers</c> 0.23.2, installed in a
/// scratch folder outside the repository, never a dependency), configured as the tokenizer.json of
/// sentence-transformers/all-MiniLM-L6-v2 with the vocabulary of the MiniLM package:
/// <c>NODE_PATH=/scratch/node_modules node hf-encode.js vocab.txt</c> (see Reference/README.md).
/// </summary>
public class HuggingFaceReferenceTests
{
    private static readonly Lazy<LabeledTexts> s_train = new(() => TextData.LoadJsonLines(TestFiles.Spam("train")));
    private static readonly Lazy<LabeledTexts> s_test = new(() => TextData.LoadJsonLines(TestFiles.Spam("test")));

    private static LabeledTexts Split(string name) => name == "train" ? s_train.Value : s_test.Value;

    public static TheoryData<string, int, int[]> Cases()
    {
        var data = new TheoryData<string, int, int[]>();
        foreach (string line in File.ReadLines(TestFiles.Reference("hf-cases.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            data.Add(root.GetProperty("text").GetString()!, root.GetProperty("max").GetInt32(), [.. root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_matches_hugging_face_on_hand_written_cases(string text, int max, int[] expected) =>
        Assert.Equal(expected, TestFiles.MiniLm.Encode(text, max == 0 ? int.MaxValue : max));

    [Fact]
    public void Pieces_match_hugging_face_on_every_shipped_spam_message()
    {
        var tok = TestFiles.MiniLm;
        int checkedCount = 0;
        long pieceCount = 0;
        int longer = 0;
        foreach (string line in File.ReadLines(TestFiles.Reference("hf-spam-digests.tsv")))
        {
            string[] f = line.Split('\t');
            string text = Split(f[0]).Texts[int.Parse(f[1])];
            int[] pieces = tok.Pieces(text);
            Assert.True(
                pieces.Length == int.Parse(f[2]) && Digest(pieces) == f[3],
                $"{f[0]} message {f[1]}: {pieces.Length} pieces (Hugging Face: {f[2]}), digest {Digest(pieces)} (Hugging Face: {f[3]})");
            checkedCount++;
            pieceCount += pieces.Length;
            longer += pieces.Length + 2 > 128 ? 1 : 0;
        }

        Assert.Equal(3_903 + 1_000, checkedCount);

        // The messages average about 336 pieces and 85 % are cut at 128 tokens: which part is kept matters.
        Assert.Equal(1_650_638, pieceCount);
        Assert.Equal(4_182, longer);
    }

    [Fact]
    public void Encode_matches_hugging_face_truncation_at_128_on_test_messages()
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(TestFiles.Reference("hf-spam-test-128.tsv.gz")), CompressionMode.Decompress));
        int n = 0;
        while (reader.ReadLine() is { } line)
        {
            string[] f = line.Split('\t');
            int[] expected = [.. f[1].Split(' ').Select(int.Parse)];
            Assert.Equal(expected, TestFiles.MiniLm.Encode(s_test.Value.Texts[int.Parse(f[0])], 128));
            n++;
        }

        Assert.Equal(300, n);
    }

    private static string Digest(int[] ids) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join(' ', ids))))[..16];
}
