using System.CommandLine;
using Frost.Cli.Commands;

namespace Frost.Cli;

/// <summary>The <c>frost</c> command line.</summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/>, runs the command, and returns the exit code (0 success, non-zero with a one-line reason).</summary>
    public static int Run(string[] args)
    {
        var root = new RootCommand("frost: fine-tune neural networks in .NET with precise control over what trains.")
        {
            DemoCommand.Create(),
            FineTuneCommand.Create(),
            EvalCommand.Create(),
            PredictCommand.Create(),
            ExportCommand.Create(),
            InspectCommand.Create(),
            MlpCommand.Create(),
            CnnCommand.Create(),
            EmbedCommand.Create(),
        };
        root.SetAction(_ => DemoCommand.Run());
        return CliErrors.Guard(() =>
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                string command = parsed.CommandResult.Command == root ? "frost" : $"frost {parsed.CommandResult.Command.Name}";
                CliErrors.Report($"{string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')))} (see '{command} --help').");
                return CliErrors.UsageOrInput;
            }

            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        });
    }
}
