using System.Globalization;
using System.Text.Json;

namespace Frost.Cli.Tests;

/// <summary>One tiny text fine-tuning run (MiniLM, one epoch on 16 short texts) whose checkpoint and ONNX export the predict tests use.</summary>
public sealed class TextRun : IDisposable
{
    public static readonly string[] Offers = ["buy cheap pills now", "win money fast, click here", "free offer, limited time", "cheap loans for you today"];
    public static readonly string[] Notes = ["the meeting moved to tuesday", "see the notes from the review", "the build passes again", "lunch at noon with the team"];

    public TextRun()
    {
        Folder = Directory.CreateTempSubdirectory("frost-text-run-").FullName;
        string train = Path.Combine(Folder, "train.jsonl");
        var lines = new List<string>();
        for (int c = 0; c < 2; c++)
        {
            lines.AddRange(Offers.Select(t => JsonSerializer.Serialize(new { text = $"{t} {c}", label = "promo" })));
            lines.AddRange(Notes.Select(t => JsonSerializer.Serialize(new { text = $"{t} {c}", label = "work" })));
        }

        File.WriteAllLines(train, lines);
        (Code, Output, Error) = CliRunner.Run(
            "finetune", "--model", "minilm", "--data", train, "--test", train, "--epochs", "1", "--batch-size", "8", "--max-length", "12", "--tail", "3",
            "--out", Path.Combine(Folder, "run"));
    }

    public string Folder { get; }

    public int Code { get; }

    public string Output { get; }

    public string Error { get; }

    public string Checkpoint => Path.Combine(Folder, "run", "checkpoint.safetensors");

    public string Onnx => Path.Combine(Folder, "run", "model.onnx");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[Collection("console")]
public sealed class TextPredictTests : IClassFixture<TextRun>, IDisposable
{
    private readonly TextRun _run;
    private readonly FineTunedRun _images;
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-text-predict-").FullName;

    public TextPredictTests(TextRun run, FineTunedRun images)
    {
        Assert.True(run.Code == 0, run.Output + run.Error);
        _run = run;
        _images = images;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Labelled records (one with an id, one longer than the recipe's 12 pieces, one without a label), as JSON lines.</summary>
    private string LabelledJsonl()
    {
        string path = Path.Combine(_dir, "labelled.jsonl");
        File.WriteAllLines(path,
        [
            JsonSerializer.Serialize(new { text = "cheap pills, buy now", label = "promo" }),
            JsonSerializer.Serialize(new { text = "the review notes are ready", label = "work", id = "msg-7" }),
            "",
            JsonSerializer.Serialize(new { text = "win a free offer today " + string.Join(' ', Enumerable.Repeat("click here now", 12)), label = "promo" }),
            JsonSerializer.Serialize(new { text = "the team meets at noon" }),
        ]);
        return path;
    }

    private static List<JsonElement> Json(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.True(code == 0, output + error);
        Assert.Empty(error);
        using var doc = JsonDocument.Parse(output);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public void Predict_on_a_text_checkpoint_and_its_onnx_export_gives_the_same_probabilities_in_the_json_shape()
    {
        string file = LabelledJsonl();
        var fromCheckpoint = Json("predict", _run.Checkpoint, file, "--text", "free money, click", "--json", "--top", "2");
        var fromOnnx = Json("predict", _run.Onnx, file, "--text", "free money, click", "--json", "--top", "2");

        Assert.Equal([$"{file}:1", "msg-7", $"{file}:4", $"{file}:5", "free money, click"], fromCheckpoint.Select(p => p.GetProperty("input").GetString()));
        Assert.Equal(new string?[] { "promo", "work", "promo", null, null }, fromCheckpoint.Select(p => p.TryGetProperty("expected", out var e) ? e.GetString() : null));
        foreach (var (a, b) in fromCheckpoint.Zip(fromOnnx))
        {
            Assert.Equal(a.GetProperty("input").GetString(), b.GetProperty("input").GetString());
            var (ta, tb) = (a.GetProperty("top").EnumerateArray().ToList(), b.GetProperty("top").EnumerateArray().ToList());
            Assert.Equal(2, ta.Count);
            Assert.Equal(["class", "label", "probability"], ta[0].EnumerateObject().Select(p => p.Name));
            Assert.Equal(new HashSet<string> { "promo", "work" }, ta.Select(c => c.GetProperty("class").GetString()!).ToHashSet());
            Assert.Equal(1.0, ta.Sum(c => c.GetProperty("probability").GetDouble()), 5);
            Assert.True(ta[0].GetProperty("probability").GetDouble() >= ta[1].GetProperty("probability").GetDouble());
            for (int k = 0; k < 2; k++)
            {
                Assert.Equal(ta[k].GetProperty("class").GetString(), tb[k].GetProperty("class").GetString());
                Assert.Equal(ta[k].GetProperty("probability").GetDouble(), tb[k].GetProperty("probability").GetDouble(), 5);
            }
        }
    }

    [Fact]
    public void Batches_sorted_by_length_give_the_probabilities_of_one_text_at_a_time()
    {
        string file = LabelledJsonl();
        var batched = Json("predict", _run.Checkpoint, file, "--json", "--top", "1");
        var single = Json("predict", _run.Checkpoint, file, "--json", "--top", "1", "--batch-size", "1");
        Assert.Equal(
            single.Select(p => p.GetProperty("top")[0].GetProperty("probability").GetDouble()),
            batched.Select(p => p.GetProperty("top")[0].GetProperty("probability").GetDouble()),
            (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Predict_on_labelled_texts_prints_a_table_and_the_accuracy_over_the_labelled_ones_as_its_last_line()
    {
        string file = LabelledJsonl();
        var json = Json("predict", _run.Onnx, file, "--json");
        int correct = json.Count(p => p.TryGetProperty("expected", out var e) && p.GetProperty("top")[0].GetProperty("class").GetString() == e.GetString());

        var (code, output, error) = CliRunner.Run("predict", _run.Onnx, file);
        Assert.True(code == 0, output + error);
        Assert.Empty(error);
        Assert.Contains("msg-7", output, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("4 texts classified by", output.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {correct / 3.0:P2} on 3 labelled texts ({correct} correct)."), lines[^1]);
    }

    [Fact]
    public void Txt_files_folders_and_csv_records_are_all_classified_and_unlabelled_inputs_print_no_accuracy()
    {
        string folder = Path.Combine(_dir, "mail");
        Directory.CreateDirectory(Path.Combine(folder, "inbox"));
        File.WriteAllText(Path.Combine(folder, "a.txt"), "cheap pills for sale");
        File.WriteAllText(Path.Combine(folder, "inbox", "b.txt"), "notes from the meeting");
        File.WriteAllText(Path.Combine(folder, "readme.md"), "not read");
        string csv = Path.Combine(_dir, "more.csv");
        File.WriteAllText(csv, "id,text\nx1,\"buy now, cheap\"\nx2,the build is green\n");
        var json = Json("predict", _run.Checkpoint, folder, csv, "--json");
        Assert.Equal([Path.Combine(folder, "a.txt"), Path.Combine(folder, "inbox", "b.txt"), "x1", "x2"], json.Select(p => p.GetProperty("input").GetString()));

        var (code, output, error) = CliRunner.Run("predict", _run.Checkpoint, Path.Combine(folder, "a.txt"), "--top", "1");
        Assert.True(code == 0, output + error);
        Assert.DoesNotContain("Accuracy", output, StringComparison.Ordinal);
        Assert.Contains("1 text classified by", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_to_a_text_model_texts_to_an_image_model_and_empty_or_mislabelled_inputs_fail_with_one_line()
    {
        string image = Path.Combine(_dir, "photo.png");
        File.WriteAllBytes(image, [0x89, 0x50, 0x4E, 0x47]);
        string empty = Path.Combine(_dir, "empty.txt");
        File.WriteAllText(empty, "  \n");
        string emptyJsonl = Path.Combine(_dir, "empty.jsonl");
        File.WriteAllText(emptyJsonl, "\n");
        string unknown = Path.Combine(_dir, "unknown.jsonl");
        File.WriteAllText(unknown, "{\"text\":\"hi\",\"label\":\"spam\"}\n");
        string text = Path.Combine(_dir, "note.txt");
        File.WriteAllText(text, "hello");

        (string[] Args, string Expected)[] cases =
        [
            (["predict", _run.Checkpoint, image], $"{image}: an image file; {_run.Checkpoint} is a text classifier"),
            (["predict", _run.Onnx, empty], $"{empty}: empty text file"),
            (["predict", _run.Checkpoint, emptyJsonl], $"{emptyJsonl}: no records"),
            (["predict", _run.Checkpoint, unknown], $"{unknown}:1: label 'spam' is not one of the classes of {_run.Checkpoint} (promo, work)"),
            (["predict", _run.Checkpoint, Path.Combine(_dir, "missing.txt")], "missing.txt does not exist"),
            (["predict", _run.Checkpoint], "predict: no inputs"),
            (["predict", _run.Checkpoint, text, "--bad-images", "skip"], "--bad-images applies to image models"),
            (["predict", _images.Checkpoint, text], $"{text}: a text file; {_images.Checkpoint} is an image classifier"),
            (["predict", _images.Checkpoint, "--text", "hello"], $"--text applies to text models; {_images.Checkpoint} is an image classifier"),
            (["eval", _run.Checkpoint], $"{_run.Checkpoint}: a text classifier ('minilm-classifier'); this command takes image models"),
        ];
        foreach (var (args, expected) in cases)
        {
            var (code, _, error) = CliRunner.Run(args);
            Assert.True(code == 1, $"{string.Join(' ', args)}: exit {code}, {error}");
            CliRunner.AssertOneLineError(error, expected);
        }
    }
}
