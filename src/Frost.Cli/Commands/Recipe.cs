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

    /// <summary>Smallest image side the network accepts (five stride-2 stages).</summary>
    public const int MinSize = 32;

    /// <summary>Largest image side accepted; memory is checked separately, against the machine.</summary>
    public const int MaxSize = 4096;

    /// <summary>Most head outputs accepted.</summary>
    public const int MaxClasses = 100_000;

    public string Text => string.Create(CultureInfo.InvariantCulture, $"resnet18-pretrained;size={InputSize};classes={Classes}");

    /// <summary>
    /// A lower bound of the memory a forward pass over <paramref name="batch"/> images holds at once: the RGB
    /// input at <see cref="InputSize"/> (3 planes) and the stem convolution's output (64 channels at half the
    /// side, 16 planes' worth) are alive together.
    /// </summary>
    public long MinimumForwardBytes(int batch) => (long)batch * (3 + 16) * InputSize * InputSize * sizeof(float);

    /// <summary>The pretrained ResNet18 with its preprocessing and a new dense head <c>head/fc</c>.</summary>
    public Sequential Build(Rng rng)
    {
        using (CliErrors.Doing($"building ResNet18 for {InputSize}x{InputSize} images"))
        {
            var model = OnnxImporter.LoadResNet18(InputSize);
            ((Sequential)model["head"]).Add(new Dense(512, Classes, rng, name: "fc"));
            return model;
        }
    }

    /// <summary>Parses and checks a recipe (sizes in range) before anything is built.</summary>
    /// <exception cref="FormatException">The recipe is unknown, malformed or out of range; the message names <paramref name="source"/>.</exception>
    public static Recipe Parse(string text, string source)
    {
        var parts = text.Split(';');
        if (parts.Length != 3 || parts[0] != "resnet18-pretrained")
        {
            throw new FormatException($"{source}: unknown model recipe '{text}'.");
        }

        int Value(string p, string key, int min, int max)
        {
            if (!p.StartsWith(key + "=", StringComparison.Ordinal) || !int.TryParse(p[(key.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int v))
            {
                throw new FormatException($"{source}: bad recipe field '{p}' (expected {key}=N).");
            }

            return v >= min && v <= max ? v : throw new FormatException($"{source}: recipe {key}={v} is outside {min}..{max}.");
        }

        return new Recipe(Value(parts[1], "size", MinSize, MaxSize), Value(parts[2], "classes", 1, MaxClasses));
    }
}
