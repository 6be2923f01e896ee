namespace Frost.Cli.Tests;

[Collection("console")]
public sealed class EmbedCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-embed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            {
                Out = new Spectre.Console.AnsiConsoleOutput(stdout),
                Interactive = Spectre.Console.InteractionSupport.No,
                Ansi = Spectre.Console.AnsiSupport.No,
            });
            int code = CliApp.Run(args);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public void Embed_prints_the_model_card_similarities_and_vectors()
    {
        string file = Path.Combine(_dir, "texts.txt");
        File.WriteAllLines(file, ["It's so sunny outside!", "", "He drove to the stadium."]);
        var (code, output, err) = Run("embed", "The weather is lovely today.", "--file", file);
        Assert.True(code == 0, err);
        Assert.Contains("│ 1      │ 1.0000 │ 0.6660 │ 0.1046 │", output, StringComparison.Ordinal);
        Assert.Contains("│ 2      │ 0.6660 │ 1.0000 │ 0.1411 │", output, StringComparison.Ordinal);

        (code, output, err) = Run("embed", "--vectors", "one", "two words");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var v = lines[0].Split(' ').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(384, v.Length);
        Assert.Equal(1.0, Math.Sqrt(v.Sum(x => x * x)), 4);
    }

    [Fact]
    public void Embed_errors_are_one_line_on_stderr()
    {
        var (code, output, err) = Run("embed");
        Assert.Equal(1, code);
        Assert.Equal("error: no text to embed: give texts as arguments or --file FILE.", err.Trim());
        Assert.Empty(output);

        (code, _, err) = Run("embed", "x", "--file", Path.Combine(_dir, "missing.txt"));
        Assert.Equal(1, code);
        Assert.Contains("missing.txt does not exist.", err, StringComparison.Ordinal);

        string notBert = Path.Combine(_dir, "resnet.onnx");
        File.Copy(Frost.Onnx.PretrainedModels.FindResNet18(), notBert);
        (code, _, err) = Run("embed", "x", "--model", notBert);
        Assert.Equal(1, code);
        Assert.StartsWith("error: " + notBert + ": not a BERT encoder graph:", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }
}
