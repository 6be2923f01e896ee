using System.Text.Json;

namespace Frost.Cli.Tests;

/// <summary>A tiny two-class text set (promo, work) for quick runs of the text job.</summary>
internal static class TinyTexts
{
    private static readonly string[] Offers = ["buy cheap pills now", "win money fast, click here", "free offer, limited time", "cheap loans for you today"];
    private static readonly string[] Notes = ["the meeting moved to tuesday", "see the notes from the review", "the build passes again", "lunch at noon with the team"];

    /// <summary>Writes <paramref name="copies"/> numbered copies of 4 texts per class as JSON lines to <paramref name="folder"/>/<paramref name="name"/>.</summary>
    public static string Write(string folder, string name, int copies)
    {
        string path = Path.Combine(folder, name);
        var lines = new List<string>();
        for (int c = 0; c < copies; c++)
        {
            lines.AddRange(Offers.Select(t => JsonSerializer.Serialize(new { text = $"{t} {c}", label = "promo" })));
            lines.AddRange(Notes.Select(t => JsonSerializer.Serialize(new { text = $"{t} {c}", label = "work" })));
        }

        File.WriteAllLines(path, lines);
        return path;
    }
}
