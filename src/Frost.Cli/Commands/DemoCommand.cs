using System.CommandLine;

namespace Frost.Cli.Commands;

/// <summary>The default job: runs with no arguments and no downloads.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var cmd = new Command("demo", "Fine-tune the pretrained ResNet18 on the shipped Fashion-MNIST subset with its early layers frozen (no arguments, no downloads).");
        cmd.SetAction(_ => Run());
        cmd.Subcommands.Add(TextDemoCommand.Create());
        return cmd;
    }

    public static int Run() => FineTuneJob.Run(new FineTuneSettings());
}
