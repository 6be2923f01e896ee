namespace Frost.IO;

/// <summary>What a Frost checkpoint records about one variable (from its <c>frost.variables</c> metadata).</summary>
/// <param name="Name">The variable's name, which is also its tensor's name.</param>
/// <param name="Kind">Parameter or state.</param>
/// <param name="Trainable">The trainable flag saved with the variable.</param>
/// <param name="MaskTensor">The tensor holding its freeze mask, when it has one.</param>
/// <param name="Sha256">Hex SHA-256 of its frozen values (all of them, or the masked ones), when it has frozen values.</param>
public sealed record CheckpointVariable(string Name, VariableKind Kind, bool Trainable, string? MaskTensor, string? Sha256);
