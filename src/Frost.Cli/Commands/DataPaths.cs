namespace Frost.Cli.Commands;

/// <summary>Where the data shipped with the tool lives.</summary>
internal static class DataPaths
{
    public static string FashionMnistSmall => Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-small");
}
