using System.Globalization;
using Frost.Layers;
using Frost.Onnx;

namespace Frost.Cli.Commands;

/// <summary>
/// How a fine-tuned classifier is built and fed, stored as JSON in its checkpoint (metadata key
/// <see cref="MetadataKey"/>) and its ONNX export (<see cref="OnnxMetadataKey"/>), so that a checkpoint or an
/// exported model alone is enough to rebuild the model and classify new inputs with their class names.
/// </summary>
/// <remarks>
/// The model id says which builder applies and which input section must be present: image models have
/// <see cref="Image"/>. A text classifier adds its own model id and input section beside it.
/// </remarks>
internal sealed record Recipe
{
    /// <summary>The checkpoint metadata key.</summary>
    public const string MetadataKey = "recipe";

    /// <summary>The ONNX <c>metadata_props</c> key of the whole recipe.</summary>
    public const string OnnxMetadataKey = "frost.recipe";

    /// <summary>The ONNX <c>metadata_props</c> key of the class names alone (a JSON array, label order), for other runtimes.</summary>
    public const string OnnxClassNamesKey = "class_names";

    /// <summary>The format written and the only one read.</summary>
    public const string CurrentFormat = "frost.recipe/1";

    /// <summary>The pretrained ResNet18 with a new dense head.</summary>
    public const string ResNet18 = "resnet18-pretrained";

    /// <summary>Smallest image side the network accepts (five stride-2 stages).</summary>
    public const int MinSize = 32;

    /// <summary>Largest image side accepted; memory is checked separately, against the machine.</summary>
    public const int MaxSize = 4096;

    /// <summary>Most head outputs accepted.</summary>
    public const int MaxClasses = 100_000;

    /// <summary>Longest class name accepted.</summary>
    public const int MaxClassNameLength = 256;

    /// <summary>Always <see cref="CurrentFormat"/>.</summary>
    public required string Format { get; init; }

    /// <summary>Which network: <see cref="ResNet18"/>.</summary>
    public required string Model { get; init; }

    /// <summary>The image input (for image models).</summary>
    public ImageRecipe? Image { get; init; }

    /// <summary>The class names, indexed by the head's outputs.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Number of head outputs.</summary>
    public int Classes => ClassNames.Count;

    /// <summary>The image side length (image models).</summary>
    public int InputSize => Image?.Size ?? throw new InvalidOperationException($"recipe: model '{Model}' has no image input.");

    /// <summary>A ResNet18 recipe for <paramref name="size"/>-pixel RGB images and <paramref name="classNames"/>.</summary>
    public static Recipe ForResNet18(int size, IReadOnlyList<string> classNames, double centerCrop = 1.0) => new()
    {
        Format = CurrentFormat,
        Model = ResNet18,
        Image = new ImageRecipe { Size = size, CenterCrop = centerCrop, Channels = ImageRecipe.Rgb, Scale = ImageRecipe.Scale255, Resize = ImageRecipe.Bilinear, Layout = ImageRecipe.Nchw },
        ClassNames = [.. classNames],
    };

    /// <summary>
    /// A lower bound of the memory a forward pass over <paramref name="batch"/> images holds at once: the RGB
    /// input at <see cref="InputSize"/> (3 planes) and the stem convolution's output (64 channels at half the
    /// side, 16 planes' worth) are alive together.
    /// </summary>
    public long MinimumForwardBytes(int batch) => MinimumForwardBytes(InputSize, batch);

    /// <summary>The same bound for <paramref name="size"/>-pixel images.</summary>
    public static long MinimumForwardBytes(int size, int batch) => (long)batch * (3 + 16) * size * size * sizeof(float);

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

    /// <summary>The recipe as compact JSON.</summary>
    public string ToJson() => RecipeJson.Write(this);

    /// <summary>Parses and checks a recipe (known model, sizes and names in range) before anything is built.</summary>
    /// <exception cref="FormatException">The recipe is malformed, of another format, or out of range; the message names <paramref name="source"/>.</exception>
    public static Recipe Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (TextRecipe.IsTextRecipe(json))
        {
            throw new FormatException($"{source}: a text classifier ('{TextRecipe.ModelId}'); this command takes image models ('frost predict' classifies texts).");
        }

        if (!json.TrimStart().StartsWith('{'))
        {
            throw new FormatException($"{source}: the model recipe is not JSON (it starts '{Shorten(json)}'); it was written by an older frost, so fine-tune again.");
        }

        var r = RecipeJson.Read(json, out string? error)
            ?? throw new FormatException($"{source}: malformed model recipe: {error}");
        if (r.Format != CurrentFormat)
        {
            throw new FormatException($"{source}: recipe format '{r.Format}' is not supported (expected '{CurrentFormat}').");
        }

        if (r.Model != ResNet18)
        {
            throw new FormatException($"{source}: unknown model '{r.Model}' in the recipe (known: {ResNet18}).");
        }

        var image = r.Image ?? throw new FormatException($"{source}: the recipe of model '{r.Model}' has no 'image' section.");
        Range(source, "image.size", image.Size, MinSize, MaxSize);
        if (!(image.CenterCrop > 0 && image.CenterCrop <= 1))
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source}: recipe image.center_crop {image.CenterCrop} is outside (0, 1]."));
        }

        if (image.Channels != ImageRecipe.Rgb || image.Scale != ImageRecipe.Scale255 || image.Resize != ImageRecipe.Bilinear || image.Layout != ImageRecipe.Nchw)
        {
            throw new FormatException($"{source}: recipe image input '{image.Channels}, {image.Scale}, {image.Resize}, {image.Layout}' is not supported (expected '{ImageRecipe.Rgb}, {ImageRecipe.Scale255}, {ImageRecipe.Bilinear}, {ImageRecipe.Nchw}').");
        }

        CheckClassNames(r.ClassNames, source);
        return r;
    }

    /// <summary>Checks that there are 2 to <see cref="MaxClasses"/> class names, each non-empty, short, free of control characters and given once.</summary>
    /// <exception cref="FormatException">A name or the count is out of range; the message names <paramref name="source"/>.</exception>
    public static void CheckClassNames(IReadOnlyList<string> names, string source)
    {
        Range(source, "class_names count", names.Count, 2, MaxClasses);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            string n = names[i];
            if (n.Length == 0 || n.Length > MaxClassNameLength || n.Any(char.IsControl))
            {
                throw new FormatException($"{source}: recipe class name {i} '{Shorten(n)}' is empty, longer than {MaxClassNameLength} characters or holds control characters.");
            }

            if (!seen.Add(n))
            {
                throw new FormatException($"{source}: recipe class name '{n}' appears twice.");
            }
        }
    }

    private static void Range(string source, string what, int v, int min, int max)
    {
        if (v < min || v > max)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source}: recipe {what} {v} is outside {min}..{max}."));
        }
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
