namespace Frost.Text.Data;

/// <summary>How <see cref="TextData"/> reads labelled texts.</summary>
public sealed record TextDataOptions
{
    /// <summary>The field (JSON) or column (CSV) holding the text.</summary>
    public string TextField { get; init; } = "text";

    /// <summary>The field (JSON) or column (CSV) holding the label.</summary>
    public string LabelField { get; init; } = "label";

    /// <summary>The field (JSON) or column (CSV) naming a record, read by <see cref="TextData.ReadRecords"/> when present.</summary>
    public string IdField { get; init; } = "id";

    /// <summary>
    /// The class names, by label index. When null they are the distinct labels found (or the class folders), sorted
    /// ordinally, or numerically when every label is an integer. When given, a label or folder outside the list is an
    /// error.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The longest record read, in characters: one JSON line, one CSV record, or one text file.</summary>
    public int MaxRecordLength { get; init; } = 1 << 20;
}
