using Frost.IO;
using Frost.Layers;
using Frost.Onnx;

namespace Frost.Cli.Commands;

/// <summary>The ONNX export of a fine-tuned text classifier.</summary>
internal static class TextOnnx
{
    /// <summary>Exports <paramref name="model"/> atomically to <paramref name="path"/> with the recipe and class names in its metadata.</summary>
    public static void Save(string path, BertClassifier model, TextRecipe recipe)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TextRecipe.MetadataKey] = recipe.Text,
            [TextRecipe.ClassNamesKey] = recipe.ClassNamesJson,
        };
        var bytes = OnnxExporter.ExportTextClassifier(model, metadata).ToBytes();
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
