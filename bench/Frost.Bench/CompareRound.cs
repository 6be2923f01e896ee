using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frost.Bench;

/// <summary>
/// One round of a bench/compare.sh run: Frost.Bench's JSON (<c>frost-SECTION.json</c>) and torch-peer's markdown
/// (<c>torch-SECTION.md</c>) per section; a file that is missing (a run that failed) leaves its section empty.
/// </summary>
internal sealed class CompareRound
{
    private readonly Dictionary<string, JsonObject> _frost = [];
    private readonly Dictionary<string, List<Dictionary<string, string>>> _torch = [];

    private CompareRound(string folder) => Folder = folder;

    public string Folder { get; }

    public IEnumerable<string> Sections => _frost.Keys.Concat(_torch.Keys).Distinct();

    /// <summary>Reads a round folder; throws <see cref="InvalidDataException"/> naming the file that is not valid JSON.</summary>
    public static CompareRound Load(string folder)
    {
        var round = new CompareRound(folder);
        foreach (string file in Directory.GetFiles(folder, "frost-*.json"))
        {
            string section = Path.GetFileNameWithoutExtension(file)["frost-".Length..];
            try
            {
                round._frost[section] = JsonNode.Parse(File.ReadAllText(file)) as JsonObject
                    ?? throw new InvalidDataException($"{file}: expected a JSON object");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file}: not valid JSON ({e.Message})");
            }
        }

        foreach (string file in Directory.GetFiles(folder, "torch-*.md"))
        {
            round._torch[Path.GetFileNameWithoutExtension(file)["torch-".Length..]] = MarkdownTables.Read(file);
        }

        return round;
    }

    /// <summary>The peak object Frost.Bench's gemm suite wrote this round, if any.</summary>
    public JsonObject? Peak => _frost.TryGetValue("gemm", out JsonObject? g) ? g["peak"] as JsonObject : null;

    /// <summary>The first row of Frost.Bench's <paramref name="section"/> table that <paramref name="match"/> accepts.</summary>
    public JsonObject? Frost(string section, Func<JsonObject, bool> match) =>
        _frost.TryGetValue(section, out JsonObject? root) && root[section] is JsonArray rows
            ? rows.OfType<JsonObject>().FirstOrDefault(match)
            : null;

    /// <summary>The first row of torch-peer's tables for <paramref name="section"/> that <paramref name="match"/> accepts.</summary>
    public Dictionary<string, string>? Torch(string section, Func<Dictionary<string, string>, bool> match) =>
        _torch.TryGetValue(section, out var rows) ? rows.FirstOrDefault(match) : null;
}
