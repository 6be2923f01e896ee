using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>Turns exceptions into a one-line reason and a non-zero exit code.</summary>
internal static class CliErrors
{
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
    }
}
