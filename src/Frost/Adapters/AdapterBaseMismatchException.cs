namespace Frost.Adapters;

/// <summary>An adapter file was loaded onto a model that is not the base its adapters were trained on.</summary>
public sealed class AdapterBaseMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception for the first differing variable.</summary>
    public AdapterBaseMismatchException(string message, string variable)
        : base(message)
    {
        Variable = variable;
    }

    /// <summary>The first base variable that differs (missing, extra, another shape or other values).</summary>
    public string Variable { get; }
}
