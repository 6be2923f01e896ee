using System.CommandLine;
using System.Globalization;
using System.Text;
using Frost.Onnx;
using Frost.Onnx.Import;
using Frost.Text;
using Frost.Text.Tokenization;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary><c>frost embed</c>: sentence embeddings (all-MiniLM-L6-v2 by default) and their cosine similarities.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var texts = new Argument<string[]>("texts") { Description = "Texts to embed.", Arity = ArgumentArity.ZeroOrMore };
        var file = new Option<string?>("--file") { Description = "Also embed each non-empty line of this UTF-8 file." };
        var vectors = new Option<bool>("--vectors") { Description = "Print the vectors (one line per text) instead of cosine similarities." };
        var maxLength = new Option<int>("--max-length") { Description = "Word pieces per text, [CLS] and [SEP] included.", DefaultValueFactory = _ => 256 };
        var model = new Option<string?>("--model") { Description = "A BERT-family encoder in ONNX (default: all-MiniLM-L6-v2 from its NuGet package)." };
        var vocab = new Option<string?>("--vocab") { Description = "The model's WordPiece vocabulary, one token per line (default: MiniLM's)." };
        var cmd = new Command("embed", "Embed texts with mean pooling and unit length, and print their cosine similarities or the vectors.")
        {
            texts, file, vectors, maxLength, model, vocab,
        };
        cmd.SetAction(p => Run(p.GetValue(texts) ?? [], p.GetValue(file), p.GetValue(vectors), p.GetValue(maxLength), p.GetValue(model), p.GetValue(vocab)));
        return cmd;
    }

    private static int Run(string[] args, string? file, bool vectors, int maxLength, string? modelPath, string? vocabPath)
    {
        try
        {
            var texts = new List<string>(args);
            if (file is not null)
            {
                if (!File.Exists(file))
                {
                    throw new FileNotFoundException($"{file} does not exist.", file);
                }

                texts.AddRange(File.ReadLines(file, Encoding.UTF8).Where(l => l.Trim().Length > 0));
            }

            if (texts.Count == 0)
            {
                throw new ArgumentException("no text to embed: give texts as arguments or --file FILE.");
            }

            if (maxLength < 2)
            {
                throw new ArgumentException($"--max-length must be at least 2, got {maxLength}.");
            }

            var embedder = Load(modelPath, vocabPath, maxLength);
            var v = embedder.Embed(texts);
            if (vectors || texts.Count == 1)
            {
                foreach (var e in v)
                {
                    Console.Out.WriteLine(string.Join(" ", e.Select(x => x.ToString("G7", CultureInfo.InvariantCulture))));
                }
            }
            else
            {
                PrintSimilarities(texts, v);
            }

            return 0;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or NotSupportedException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static SentenceEmbedder Load(string? modelPath, string? vocabPath, int maxLength)
    {
        OnnxModel model;
        if (modelPath is null)
        {
            using var stream = MiniLmPackage.OpenModel();
            model = OnnxModel.Load(stream, "all-MiniLM-L6-v2");
        }
        else
        {
            model = OnnxModel.Load(modelPath);
        }

        BertWordPieceTokenizer tokenizer;
        if (vocabPath is null)
        {
            tokenizer = BertWordPieceTokenizer.FromMiniLm();
        }
        else
        {
            if (!File.Exists(vocabPath))
            {
                throw new FileNotFoundException($"{vocabPath} does not exist.", vocabPath);
            }

            using var stream = File.OpenRead(vocabPath);
            tokenizer = BertWordPieceTokenizer.Create(stream, vocabPath);
        }

        var encoder = BertImport.FromOnnx(model);
        if (maxLength > encoder.Config.MaxPositions)
        {
            throw new ArgumentException($"--max-length {maxLength} exceeds the {encoder.Config.MaxPositions} positions of {model.Source}.");
        }

        if (tokenizer.VocabularySize != encoder.Config.VocabularySize)
        {
            throw new ArgumentException($"the vocabulary has {tokenizer.VocabularySize} tokens but {model.Source} embeds {encoder.Config.VocabularySize}.");
        }

        return new SentenceEmbedder(encoder, tokenizer, maxLength);
    }

    private static void PrintSimilarities(List<string> texts, float[][] v)
    {
        var legend = new Table().AddColumns("#", "text");
        for (int i = 0; i < texts.Count; i++)
        {
            legend.AddRow($"{i + 1}", Markup.Escape(texts[i].Length > 70 ? texts[i][..69] + "…" : texts[i]));
        }

        AnsiConsole.Write(legend);
        var table = new Table().AddColumn("cosine");
        for (int j = 0; j < texts.Count; j++)
        {
            table.AddColumn(new TableColumn($"{j + 1}").RightAligned());
        }

        for (int i = 0; i < texts.Count; i++)
        {
            var row = new List<string> { $"{i + 1}" };
            for (int j = 0; j < texts.Count; j++)
            {
                row.Add(SentenceEmbedder.Cosine(v[i], v[j]).ToString("F4", CultureInfo.InvariantCulture));
            }

            table.AddRow([.. row]);
        }

        AnsiConsole.Write(table);
    }
}
