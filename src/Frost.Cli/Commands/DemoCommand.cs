using System.CommandLine;

namespace Frost.Cli.Commands;

/// <summary>The default job: runs with no arguments and no downloads.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var cmd = new Command("demo", "Run the default job on the data shipped with frost (no arguments, no downloads).");
        cmd.SetAction(_ => Run());
        return cmd;
    }

    public static int Run() => MlpCommand.Run(new MlpCommand.Settings());
}
