using System.Globalization;
using Frost.Layers;
using Frost.Onnx;

namespace Frost.Cli.Commands;

/// <summary>How a fine-tuned model is built, so a checkpoint can be turned back into a model.</summary>
/// <param name="InputSize">Image side length.</param>
/// <param name="Classes">Outputs of the new head.</param>
internal sealed record Recipe(int InputSize, int Classes)
{
    public const string MetadataKey = "recipe";

    public string Text => string.Create(CultureInfo.InvariantCulture, $"resnet18-pretrained;size={InputSize};classes={Classes}");

    /// <summary>The pretrained ResNet18 with its preprocessing and a new dense head <c>head/fc</c>.</summary>
    public Sequential Build(Rng rng)
    {
        var model = OnnxImporter.LoadResNet18(InputSize);
        ((Sequential)model["head"]).Add(new Dense(512, Classes, rng, name: "fc"));
        return model;
    }

    public static Recipe Parse(string text, string source)
    {
        var parts = text.Split(';');
        if (parts.Length != 3 || parts[0] != "resnet18-pretrained")
        {
            throw new FormatException($"{source}: unknown model recipe '{text}'.");
        }

        int Value(string p, string key) => p.StartsWith(key + "=", StringComparison.Ordinal) && int.TryParse(p[(key.Length + 1)..], CultureInfo.InvariantCulture, out int v)
            ? v : throw new FormatException($"{source}: bad recipe field '{p}'.");
        return new Recipe(Value(parts[1], "size"), Value(parts[2], "classes"));
    }
}
