namespace Frost;

/// <summary>Placeholder.</summary>
public static class Placeholder
{
}
