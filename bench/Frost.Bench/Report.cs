using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frost.Bench;

/// <summary>Collects result rows for the console tables and the optional JSON file.</summary>
internal sealed class Report
{
    private readonly JsonObject _root = new();

    public void Set(string key, JsonNode? value) => _root[key] = value;

    public void AddRow(string table, JsonObject row)
    {
        if (_root[table] is not JsonArray rows)
        {
            rows = [];
            _root[table] = rows;
        }

        rows.Add(row);
    }

    public void WriteJson(string path)
    {
        _root["machine"] = new JsonObject
        {
            ["os"] = Environment.OSVersion.ToString(),
            ["runtime"] = Environment.Version.ToString(),
            ["processors"] = Environment.ProcessorCount,
            ["utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        File.WriteAllText(path, _root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}

/// <summary>A plain fixed-width console table.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Print()
    {
        var widths = new int[headers.Length];
        for (int c = 0; c < headers.Length; c++)
        {
            widths[c] = headers[c].Length;
            foreach (string[] r in _rows)
            {
                widths[c] = Math.Max(widths[c], c < r.Length ? r[c].Length : 0);
            }
        }

        Console.WriteLine(string.Join("  ", headers.Select((h, c) => c == 0 ? h.PadRight(widths[c]) : h.PadLeft(widths[c]))));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (string[] r in _rows)
        {
            Console.WriteLine(string.Join("  ", r.Select((v, c) => c == 0 ? v.PadRight(widths[c]) : v.PadLeft(widths[c]))));
        }

        Console.WriteLine();
    }

    public static string F(double v, int digits = 1) =>
        double.IsNaN(v) ? "-" : v.ToString("F" + digits, CultureInfo.InvariantCulture);

    /// <summary>Bytes as MiB with <paramref name="digits"/> decimals.</summary>
    public static string Mib(long bytes, int digits = 2) => F(bytes / (1024.0 * 1024.0), digits) + " MiB";

    public static string Pct(double v) => double.IsNaN(v) ? "-" : (v * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";
}
