namespace Frost.Freezing;

/// <summary>A selector matched no variable, or not the number it was required to match.</summary>
public sealed class SelectorMatchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SelectorMatchException(string message)
        : base(message)
    {
    }
}
