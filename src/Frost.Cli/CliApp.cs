using System.CommandLine;
using System.CommandLine.Parsing;
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
                CliErrors.Report($"{string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')))} (see '{CommandPath(parsed.CommandResult)} --help').");
                return CliErrors.UsageOrInput;
            }

            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        });
    }

    /// <summary>The full path of the command parsed, as typed: <c>frost</c>, <c>frost finetune</c>, <c>frost demo text</c>.</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (var c = command; c.Parent is CommandResult parent; c = parent)
        {
            names.Add(c.Command.Name);
        }

        names.Add("frost");
        names.Reverse();
        return string.Join(' ', names);
    }
}
