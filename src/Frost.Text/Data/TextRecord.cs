namespace Frost.Text.Data;

/// <summary>One text read by <see cref="TextData.ReadRecords"/>, with where it is and what the record says of it.</summary>
/// <param name="Text">The text.</param>
/// <param name="Line">The 1-based line the record starts on.</param>
/// <param name="Id">The record's id field, when it has one.</param>
/// <param name="Label">The record's label field (integers as their decimal digits), when it has one.</param>
public sealed record TextRecord(string Text, int Line, string? Id, string? Label);
