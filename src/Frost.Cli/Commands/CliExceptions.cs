namespace Frost.Cli.Commands;

/// <summary>An option or argument is invalid; the message names it and the accepted range.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The output folder cannot be used (locked by another run, or not writable).</summary>
internal sealed class OutputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A request needs more memory than the machine has; refused before allocating.</summary>
internal sealed class MemoryBudgetException(string message) : Exception(message);
