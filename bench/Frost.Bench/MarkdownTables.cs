using System.Globalization;

namespace Frost.Bench;

/// <summary>The rows of the pipe tables in a markdown file (torch-peer's output), each as header → cell text.</summary>
internal static class MarkdownTables
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        var rows = new List<Dictionary<string, string>>();
        string[] lines = File.ReadAllLines(path);
        string[]? headers = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (!line.StartsWith('|'))
            {
                headers = null;
                continue;
            }

            string[] cells = Cells(line);
            if (headers is null)
            {
                if (i + 1 < lines.Length && IsSeparator(lines[i + 1]))
                {
                    headers = cells;
                    i++;
                }

                continue;
            }

            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int c = 0; c < Math.Min(headers.Length, cells.Length); c++)
            {
                row[headers[c]] = cells[c];
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The number a cell starts with ("1601", "0.512", "172.0 (158.1–186.0)"); NaN when it starts with none.</summary>
    public static double Number(string? cell)
    {
        if (cell is null)
        {
            return double.NaN;
        }

        int end = 0;
        while (end < cell.Length && (char.IsAsciiDigit(cell[end]) || cell[end] is '.' || (end == 0 && cell[end] is '-')))
        {
            end++;
        }

        return double.TryParse(cell.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
    }

    /// <summary>
    /// Background load of a 'bg other/steal' cell ("3%/1% ⚠" → 4), other + steal in % of all CPUs; <paramref name="part"/>
    /// picks one of several figures separated by " / " ("0%/1% / 2%/0%").
    /// </summary>
    public static double Background(string? cell, int part = 0)
    {
        if (cell is null)
        {
            return double.NaN;
        }

        string[] parts = cell.Split(" / ");
        if (part >= parts.Length)
        {
            return double.NaN;
        }

        string[] pair = parts[part].Split('/');
        return pair.Length == 2 ? Number(pair[0].Trim()) + Number(pair[1].Trim()) : double.NaN;
    }

    private static string[] Cells(string line) => [.. line.Trim('|').Split('|').Select(c => c.Trim())];

    private static bool IsSeparator(string line)
    {
        string t = line.Trim();
        return t.StartsWith('|') && Cells(t).All(c => c.Trim(':').Length > 0 && c.Trim(':').All(ch => ch == '-'));
    }
}
