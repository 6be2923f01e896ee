using System.Globalization;
using System.Text.Json;
using Frost.Layers;
using Frost.Onnx;
using Frost.Onnx.Import;
using Frost.Text;

namespace Frost.Cli.Commands;

/// <summary>How a fine-tuned text classifier is built and fed, so a checkpoint can be turned back into a model.</summary>
/// <param name="MaxLength">Word pieces per text, [CLS] and [SEP] included.</param>
/// <param name="TailPieces">Pieces kept from the end of a long text.</param>
/// <param name="ClassNames">The class names, by label.</param>
internal sealed record TextRecipe(int MaxLength, int TailPieces, IReadOnlyList<string> ClassNames)
{
    /// <summary>The recipe's metadata key (shared with the image recipe: one key says how to rebuild the model).</summary>
    public const string MetadataKey = Recipe.MetadataKey;

    /// <summary>The metadata key of the class names (a JSON array), in checkpoints and ONNX exports.</summary>
    public const string ClassNamesKey = "class_names";

    public string Text => string.Create(CultureInfo.InvariantCulture, $"minilm-classifier;max-length={MaxLength};tail={TailPieces};classes={ClassNames.Count}");

    public string ClassNamesJson => JsonSerializer.Serialize(ClassNames);

    /// <summary>Reads the max-length and tail fields of a recipe written by <see cref="Text"/>.</summary>
    /// <exception cref="FormatException">The recipe is not a text recipe or a field is malformed; the message names <paramref name="source"/>.</exception>
    public static (int MaxLength, int TailPieces, int Classes) ParseFields(string text, string source)
    {
        var parts = text.Split(';');
        if (parts.Length != 4 || parts[0] != "minilm-classifier")
        {
            throw new FormatException($"{source}: recipe '{text}' is not a text classifier's (expected minilm-classifier;max-length=N;tail=N;classes=N).");
        }

        int Value(string p, string key)
        {
            if (!p.StartsWith(key + "=", StringComparison.Ordinal) || !int.TryParse(p[(key.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int v))
            {
                throw new FormatException($"{source}: bad recipe field '{p}' (expected {key}=N).");
            }

            return v;
        }

        return (Value(parts[1], "max-length"), Value(parts[2], "tail"), Value(parts[3], "classes"));
    }

    /// <summary>all-MiniLM-L6-v2 from its NuGet package with a new head to the classes.</summary>
    public BertClassifier Build(Rng rng)
    {
        using (CliErrors.Doing($"importing all-MiniLM-L6-v2 from {MiniLmPackage.PackageId} {MiniLmPackage.PackageVersion}"))
        {
            using var stream = MiniLmPackage.OpenModel();
            var encoder = BertImport.FromOnnx(OnnxModel.Load(stream, "all-MiniLM-L6-v2"));
            return BertClassifier.FromEncoder(encoder, ClassNames.Count, rng);
        }
    }
}
