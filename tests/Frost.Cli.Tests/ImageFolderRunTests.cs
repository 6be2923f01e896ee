using System.Text.Json;
using SkiaSharp;

namespace Frost.Cli.Tests;

/// <summary>
/// A user's own photos, end to end: a folder of PNG and JPEG files written here (three classes, one corrupt file,
/// one greyscale and one RGBA image) is fine-tuned on, evaluated, and classified from the checkpoint and from the
/// exported ONNX model alone.
/// </summary>
[Collection("console")]
public sealed class ImageFolderRunTests : IDisposable
{
    private static readonly string[] Classes = ["apple", "blåbær", "cherry"];

    private readonly string _dir = Directory.CreateTempSubdirectory("frost-folder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_image_folder_fine_tunes_evaluates_and_predicts_with_its_class_names_from_checkpoint_and_onnx()
    {
        string data = Path.Combine(_dir, "photos");
        WriteFolder(data);
        string run = Path.Combine(_dir, "run");

        var (code, output, error) = CliRunner.Run("finetune", "--data", data, "--size", "32", "--epochs", "1", "--batch-size", "8",
            "--train", "head/**", "--val-split", "0.25", "--bad-images", "skip", "--out", run);
        Assert.True(code == 0, output + error);
        string flat = Flat(output);
        Assert.True(flat.Contains("in 3 classes", StringComparison.Ordinal), output);
        Assert.True(flat.Contains("broken.jpg", StringComparison.Ordinal), output);
        Assert.True(flat.Contains("No feature cache: the training set is augmented", StringComparison.Ordinal), output);
        string ckpt = Path.Combine(run, "checkpoint.safetensors");
        string onnx = Path.Combine(run, "model.onnx");
        Assert.True(File.Exists(ckpt) && File.Exists(onnx));

        string plot = Path.Combine(_dir, "confusion.png");
        (code, output, error) = CliRunner.Run("eval", ckpt, "--data", data, "--val-split", "0.25", "--seed", "1", "--bad-images", "skip", "--plot", plot);
        Assert.True(code == 0, output + error);
        Assert.Contains("confusion matrix", output, StringComparison.Ordinal);
        foreach (string c in Classes)
        {
            Assert.Contains(c, output, StringComparison.Ordinal);
        }

        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(plot)[..4]);

        var fromCheckpoint = Predict(ckpt, data);
        var fromOnnx = Predict(onnx, data);
        Assert.Equal(23, fromCheckpoint.Count); // 24 files, the corrupt one left out
        Assert.Equal(fromCheckpoint.Select(p => p.File), fromOnnx.Select(p => p.File));
        for (int i = 0; i < fromCheckpoint.Count; i++)
        {
            Assert.Equal(fromCheckpoint[i].Top, fromOnnx[i].Top);
            Assert.Contains(fromCheckpoint[i].Top, Classes);
            Assert.Equal(fromCheckpoint[i].Probability, fromOnnx[i].Probability, 1e-3);
        }

        // The table form names the classes too.
        (code, output, error) = CliRunner.Run("predict", onnx, Path.Combine(data, "cherry"), "--top", "2");
        Assert.True(code == 0, output + error);
        Assert.Contains("cherry", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_image_fails_with_its_path_unless_skipping_is_asked_for()
    {
        string data = Path.Combine(_dir, "photos");
        WriteFolder(data);
        var (code, _, error) = CliRunner.Run("finetune", "--data", data, "--size", "32", "--epochs", "1", "--train", "head/**", "--out", Path.Combine(_dir, "run"));
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(error, "broken.jpg");
        Assert.Contains("--bad-images skip", error, StringComparison.Ordinal);
    }

    /// <summary>Console output with its line wrapping undone.</summary>
    private static string Flat(string output) => string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries));

    private static List<(string File, string Top, double Probability)> Predict(string model, string data)
    {
        var (code, output, error) = CliRunner.Run("predict", model, data, "--json", "--top", "3", "--bad-images", "skip");
        Assert.True(code == 0, output + error);
        Assert.Contains("broken.jpg", error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        return [.. doc.RootElement.EnumerateArray().Select(e =>
        {
            var top = e.GetProperty("top");
            Assert.Equal(3, top.GetArrayLength());
            return (e.GetProperty("input").GetString()!, top[0].GetProperty("class").GetString()!, top[0].GetProperty("probability").GetDouble());
        })];
    }

    /// <summary>Three classes of 8 images (colour-coded, PNG and JPEG): one corrupt JPEG, one greyscale PNG, one RGBA PNG.</summary>
    private static void WriteFolder(string root)
    {
        for (int c = 0; c < Classes.Length; c++)
        {
            string dir = Directory.CreateDirectory(Path.Combine(root, Classes[c])).FullName;
            for (int i = 0; i < 8; i++)
            {
                string name = Path.Combine(dir, $"img{i}");
                if (c == 0 && i == 7)
                {
                    File.WriteAllBytes(name + "broken.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', 1, 2, 3]);
                    continue;
                }

                var type = c == 1 && i == 0 ? SKColorType.Gray8 : SKColorType.Rgba8888;
                var alpha = c == 2 && i == 0 ? SKAlphaType.Unpremul : SKAlphaType.Opaque;
                using var bmp = new SKBitmap(new SKImageInfo(40 + (4 * i), 36, type, alpha));
                var rng = new Random((c * 100) + i);
                for (int y = 0; y < bmp.Height; y++)
                {
                    for (int x = 0; x < bmp.Width; x++)
                    {
                        int noise = rng.Next(60);
                        byte r = (byte)(c == 0 ? 200 + (noise / 2) : noise), g = (byte)(c == 1 ? 200 + (noise / 2) : noise), b = (byte)(c == 2 ? 200 + (noise / 2) : noise);
                        bmp.SetPixel(x, y, new SKColor(r, g, b, (byte)(alpha == SKAlphaType.Unpremul ? 128 + (x % 128) : 255)));
                    }
                }

                bool png = i % 2 == 0;
                using var encoded = bmp.Encode(png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 90);
                File.WriteAllBytes(name + (png ? ".png" : ".jpg"), encoded.ToArray());
            }
        }
    }
}
