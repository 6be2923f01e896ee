using System.CommandLine;

namespace Frost.Cli.Commands;

/// <summary><c>frost demo text</c>: the text job on the shipped spam set, no arguments, no downloads.</summary>
internal static class TextDemoCommand
{
    public static Command Create()
    {
        var cmd = new Command("text", "Fine-tune all-MiniLM-L6-v2 on the shipped SpamAssassin subset (ham/spam) with its embeddings and layers 0-3 frozen (no arguments, no downloads).");
        cmd.SetAction(_ => TextFineTuneJob.Run(new TextFineTuneSettings()));
        return cmd;
    }
}
