using System.Globalization;
using System.Text.Json;
using Frost.Text.Internal;

namespace Frost.Text.Data;

/// <summary>
/// Loads labelled texts for classification: JSON lines or CSV files with a text and a label field (gzip or plain,
/// told apart by content), or a folder with one sub-folder of <c>.txt</c> files per class (as Keras'
/// <c>text_dataset_from_directory</c>).
/// </summary>
/// <remarks>
/// Class names are the distinct labels (or the class folders), sorted ordinally, or numerically when every label is
/// an integer, unless <see cref="TextDataOptions.ClassNames"/> gives them. Every record is bounded by
/// <see cref="TextDataOptions.MaxRecordLength"/>, so a file without line breaks cannot exhaust memory. Errors are
/// <see cref="TextDataException"/>s that name the file and line.
/// </remarks>
public static class TextData
{
    /// <summary>
    /// Loads <paramref name="path"/> by its kind: a folder as <see cref="LoadFolder"/>, a <c>.csv</c> file (optionally
    /// <c>.gz</c>) as <see cref="LoadCsv"/>, any other file as <see cref="LoadJsonLines"/>.
    /// </summary>
    public static LabeledTexts Load(string path, TextDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return LoadFolder(path, options);
        }

        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? LoadCsv(path, options) : LoadJsonLines(path, options);
    }

    /// <summary>
    /// Loads JSON lines: one object per line with a string text field and a string or integer label field (other
    /// fields are ignored; blank lines are skipped).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TextDataException">A line is not such an object, a label is not a known class, or the file holds no example.</exception>
    public static LabeledTexts LoadJsonLines(string path, TextDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new TextDataOptions();
        return Build([.. JsonLineRecords(path, options, labelRequired: true)], path, options);
    }

    /// <summary>
    /// Loads CSV (RFC 4180, comma-separated, UTF-8) whose first record is a header naming the columns; the text and
    /// label columns are found by name, other columns are ignored.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TextDataException">The header lacks a column, a record has the wrong number of fields, a quote is not closed, or the file holds no example.</exception>
    public static LabeledTexts LoadCsv(string path, TextDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new TextDataOptions();
        return Build([.. CsvRecords(path, options, labelRequired: true)], path, options);
    }

    /// <summary>
    /// Reads the records of a JSON lines or CSV file (told apart as by <see cref="Load"/>) for inference: each record's
    /// text, and its label and id when the record has them (<see cref="TextDataOptions.LabelField"/> and
    /// <see cref="TextDataOptions.IdField"/> are optional here). The fields are read exactly as for training.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TextDataException">A record is malformed, or the file holds no record.</exception>
    public static IReadOnlyList<TextRecord> ReadRecords(string path, TextDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new TextDataOptions();
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        var records = name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            ? CsvRecords(path, options, labelRequired: false)
            : JsonLineRecords(path, options, labelRequired: false);
        List<TextRecord> result = [.. records.Select(r => new TextRecord(r.Text, r.Line, r.Id, r.Label))];
        return result.Count > 0 ? result : throw new TextDataException(path, 0, "no records.");
    }

    /// <summary>The whole of a text file (UTF-8, gzip detected from content), as one text of at most <see cref="TextDataOptions.MaxRecordLength"/> characters.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TextDataException">The file is longer, or corrupt.</exception>
    public static string ReadText(string path, TextDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return RecordReaders.ReadAll(path, (options ?? new TextDataOptions()).MaxRecordLength);
    }

    /// <summary>
    /// Loads a folder with one sub-folder per class holding <c>.txt</c> files (searched recursively, read as UTF-8).
    /// Class names are the sub-folder names sorted ordinally; files are taken in ordinal order of their paths. Names
    /// starting with '.' are skipped.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="TextDataException">There is no class folder or no text file, a file is too long, or the class folders differ from <see cref="TextDataOptions.ClassNames"/>.</exception>
    public static LabeledTexts LoadFolder(string folder, TextDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        options ??= new TextDataOptions();
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Text data folder not found: {folder}");
        }

        var classes = Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0)
        {
            throw new TextDataException(folder, 0, "no class folders: expected one sub-folder of .txt files per class.");
        }

        if (options.ClassNames is { } given && !given.Order(StringComparer.Ordinal).SequenceEqual(classes, StringComparer.Ordinal))
        {
            throw new TextDataException(
                folder, 0, $"the class folders ({string.Join(", ", classes)}) differ from the class names given ({string.Join(", ", given)}).");
        }

        IReadOnlyList<string> names = options.ClassNames ?? classes;
        var texts = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < names.Count; label++)
        {
            string dir = Path.Combine(folder, names[label]);
            var files = Directory.EnumerateFiles(dir, "*.txt", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
                .Order(StringComparer.Ordinal);
            foreach (string file in files)
            {
                texts.Add(RecordReaders.ReadAll(file, options.MaxRecordLength));
                labels.Add(label);
            }
        }

        if (texts.Count == 0)
        {
            throw new TextDataException(folder, 0, $"no .txt files in the class folders ({string.Join(", ", classes)}).");
        }

        return new LabeledTexts(texts, [.. labels], names);
    }

    /// <summary>A record as read: its label is null only when labels are optional.</summary>
    private readonly record struct Record(string Text, string? Label, int Line, bool IntegerLabel, string? Id = null);

    private static IEnumerable<Record> JsonLineRecords(string path, TextDataOptions options, bool labelRequired)
    {
        using var reader = RecordReaders.Open(path);
        foreach (var (line, text) in RecordReaders.Lines(reader, path, options.MaxRecordLength))
        {
            if (!string.IsNullOrWhiteSpace(text))
            {
                yield return ParseJsonLine(text, path, line, options, labelRequired);
            }
        }
    }

    private static IEnumerable<Record> CsvRecords(string path, TextDataOptions options, bool labelRequired)
    {
        using var reader = RecordReaders.Open(path);
        int textColumn = -1, labelColumn = -1, idColumn = -1, columns = 0;
        foreach (var (line, fields) in RecordReaders.CsvRecords(reader, path, options.MaxRecordLength))
        {
            if (columns == 0)
            {
                columns = fields.Count;
                textColumn = fields.IndexOf(options.TextField);
                labelColumn = fields.IndexOf(options.LabelField);
                idColumn = fields.IndexOf(options.IdField);
                foreach (var (column, index) in labelRequired ? new[] { (options.TextField, textColumn), (options.LabelField, labelColumn) } : new[] { (options.TextField, textColumn) })
                {
                    if (index < 0)
                    {
                        throw new TextDataException(path, line, $"the header has no column '{column}' (columns: {string.Join(", ", fields)}).");
                    }
                }

                continue;
            }

            if (fields.Count != columns)
            {
                throw new TextDataException(path, line, $"expected {columns} fields as in the header, got {fields.Count}.");
            }

            string? label = labelColumn < 0 ? null : fields[labelColumn];
            yield return new Record(fields[textColumn], label, line, label is not null && IsInteger(label), idColumn < 0 ? null : fields[idColumn]);
        }
    }

    private static Record ParseJsonLine(string line, string path, int number, TextDataOptions options, bool labelRequired)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new TextDataException(path, number, $"not valid JSON ({e.Message.Split('.')[0]}).");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TextDataException(path, number, $"expected a JSON object, got {root.ValueKind}.");
            }

            if (!root.TryGetProperty(options.TextField, out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new TextDataException(path, number, $"expected a string field \"{options.TextField}\".");
            }

            string? id = root.TryGetProperty(options.IdField, out var idValue) ? Scalar(idValue, options.IdField, path, number) : null;
            if (!root.TryGetProperty(options.LabelField, out var label))
            {
                return labelRequired
                    ? throw new TextDataException(path, number, $"expected a field \"{options.LabelField}\".")
                    : new Record(text.GetString()!, null, number, false, id);
            }

            return new Record(text.GetString()!, Scalar(label, options.LabelField, path, number), number, label.ValueKind == JsonValueKind.Number, id);
        }
    }

    /// <summary>A string or integer field as a string.</summary>
    private static string Scalar(JsonElement value, string field, string path, int number)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n))
        {
            return n.ToString(CultureInfo.InvariantCulture);
        }

        throw new TextDataException(path, number, $"the field \"{field}\" must be a string or an integer, got {value.GetRawText()}.");
    }

    private static bool IsInteger(string s) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    private static LabeledTexts Build(List<Record> records, string path, TextDataOptions options)
    {
        if (records.Count == 0)
        {
            throw new TextDataException(path, 0, "no examples.");
        }

        IReadOnlyList<string> names = options.ClassNames ?? (records.TrueForAll(r => r.IntegerLabel)
            ? [.. records.Select(r => r.Label!).Distinct().OrderBy(l => long.Parse(l, CultureInfo.InvariantCulture))]
            : [.. records.Select(r => r.Label!).Distinct().Order(StringComparer.Ordinal)]);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (!index.TryAdd(names[i], i))
            {
                throw new ArgumentException($"TextDataOptions.ClassNames: '{names[i]}' appears twice.", nameof(options));
            }
        }

        var texts = new string[records.Count];
        var labels = new int[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (!index.TryGetValue(r.Label!, out labels[i]))
            {
                throw new TextDataException(path, r.Line, $"label '{r.Label}' is not one of the classes ({string.Join(", ", names)}).");
            }

            texts[i] = r.Text;
        }

        return new LabeledTexts(texts, labels, names);
    }
}
