using Spectre.Console;

namespace Frost.Cli.Tests;

/// <summary>Runs the command line in-process with standard output and standard error captured.</summary>
internal static class CliRunner
{
    private static readonly Lock s_console = new();

    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        lock (s_console)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var oldOut = Console.Out;
            var oldError = Console.Error;
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Out = new AnsiConsoleOutput(output),
                    Interactive = InteractionSupport.No,
                    Ansi = AnsiSupport.No,
                });
                int code = CliApp.Run(args);
                return (code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }

    /// <summary>Standard error is exactly one line, <c>error: …</c>, containing <paramref name="expected"/>, with no stack trace.</summary>
    public static void AssertOneLineError(string error, string expected)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on standard error, got {lines.Length}:\n{error}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.True(lines[0].Contains(expected, StringComparison.Ordinal), $"expected \"{expected}\" in: {lines[0]}");
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
