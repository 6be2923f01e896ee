using Frost.Text.Data;
using Frost.Vision;

namespace Frost.Cli.Commands;

/// <summary>One text to classify.</summary>
/// <param name="Name">How it is shown: the .txt file, FILE:LINE or the record's id, or the literal text.</param>
/// <param name="Text">The text.</param>
/// <param name="Label">The record's label, a class name of the model, when it has one.</param>
internal sealed record TextInput(string Name, string Text, string? Label)
{
    /// <summary>Extensions of the files read as records (JSON lines or CSV), lower case, before an optional <c>.gz</c>.</summary>
    public static IReadOnlyList<string> RecordExtensions { get; } = [".jsonl", ".ndjson", ".json", ".csv"];

    /// <summary>Whether <paramref name="path"/> is named like a text input (.txt, JSON lines or CSV, optionally gzipped).</summary>
    public static bool IsTextFile(string path)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        string ext = Path.GetExtension(name).ToLowerInvariant();
        return ext == ".txt" || RecordExtensions.Contains(ext);
    }

    /// <summary>
    /// The texts of <paramref name="paths"/> (.txt files whole, folders searched recursively for .txt files, any other
    /// file read as JSON lines or CSV by <see cref="TextData.ReadRecords"/>) and then the <paramref name="literals"/>;
    /// labels are checked against <paramref name="classNames"/>. <paramref name="model"/> names the model in errors.
    /// </summary>
    public static List<TextInput> List(IReadOnlyList<string> paths, IReadOnlyList<string> literals, IReadOnlyList<string> classNames, string model)
    {
        var classes = classNames.ToHashSet(StringComparer.Ordinal);
        var texts = new List<TextInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string expected = "a .txt, JSON lines or CSV file, or a folder of .txt files";
        foreach (string input in paths)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false })
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .ToList();
                var txt = found.Where(f => Path.GetExtension(f).Equals(".txt", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
                if (txt.Count == 0)
                {
                    bool images = found.Any(f => ImageFolder.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()));
                    throw new UsageException(images
                        ? $"{input}: a folder of images and no .txt files; {model} is a text classifier (expected {expected}, or --text)."
                        : $"{input}: no .txt files in this folder; expected {expected}.");
                }

                texts.AddRange(txt.Where(seen.Add).Select(ReadTxt));
            }
            else if (File.Exists(input))
            {
                if (ImageFolder.Extensions.Contains(Path.GetExtension(input).ToLowerInvariant()))
                {
                    throw new UsageException($"{input}: an image file; {model} is a text classifier (expected {expected}, or --text).");
                }

                if (!seen.Add(input))
                {
                    continue;
                }

                string name = input.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? input[..^3] : input;
                if (Path.GetExtension(name).Equals(".txt", StringComparison.OrdinalIgnoreCase))
                {
                    texts.Add(ReadTxt(input));
                    continue;
                }

                foreach (var r in TextData.ReadRecords(input))
                {
                    string where = $"{input}:{r.Line}";
                    if (r.Label is not null && !classes.Contains(r.Label))
                    {
                        throw new UsageException($"{where}: label '{r.Label}' is not one of the classes of {model} ({string.Join(", ", classNames)}).");
                    }

                    texts.Add(new TextInput(r.Id ?? where, r.Text, r.Label));
                }
            }
            else
            {
                throw new UsageException($"{input} does not exist; expected {expected}.");
            }
        }

        texts.AddRange(literals.Select(t => new TextInput(t, t, null)));
        return texts;
    }

    /// <summary>A whole .txt file as one text; empty and binary files are refused.</summary>
    private static TextInput ReadTxt(string path)
    {
        string text = TextData.ReadText(path);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException($"{path}: empty text file; expected text to classify.");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new UsageException($"{path}: binary data (NUL bytes), not text; expected a UTF-8 text file.");
        }

        return new TextInput(path, text, null);
    }
}
