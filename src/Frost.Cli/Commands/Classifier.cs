using Frost.IO;
using Frost.Layers;
using Frost.Onnx;
using Frost.Vision;

namespace Frost.Cli.Commands;

/// <summary>
/// A trained classifier and its recipe, loaded from a checkpoint or from an ONNX export alone (the recipe and
/// class names come from the ONNX metadata), ready to rank classes for new inputs.
/// </summary>
internal sealed class Classifier
{
    private Classifier(Layer model, Recipe recipe, string source)
    {
        Model = model;
        Recipe = recipe;
        Source = source;
        Model.Training = false;
    }

    /// <summary>The network, in inference mode.</summary>
    public Layer Model { get; }

    /// <summary>How it is fed, and its class names.</summary>
    public Recipe Recipe { get; }

    /// <summary>The file it came from.</summary>
    public string Source { get; }

    /// <summary>Loads a checkpoint (<c>.safetensors</c>) or an ONNX model written by <c>frost</c> (any other file starting like ONNX).</summary>
    public static Classifier Load(string path, int batch)
    {
        RegularFile.Require(path, "a checkpoint or an ONNX model written by frost");
        if (IsCheckpoint(path))
        {
            return FromCheckpoint(path, batch);
        }

        return FromOnnx(OnnxModel.Load(path), path, batch);
    }

    /// <summary>Rebuilds the image model of the checkpoint at <paramref name="path"/>.</summary>
    public static Classifier FromCheckpoint(string path, int batch)
    {
        var (model, recipe, _) = CheckpointModel.Load(path, batch);
        return new Classifier(model, recipe, path);
    }

    /// <summary>Imports an image model exported by <c>frost</c>, its recipe from the ONNX metadata.</summary>
    public static Classifier FromOnnx(OnnxModel onnx, string path, int batch)
    {
        if (!onnx.Metadata.TryGetValue(Recipe.OnnxMetadataKey, out string? json))
        {
            throw new FormatException($"{path}: no '{Recipe.OnnxMetadataKey}' entry in the ONNX metadata_props; expected a model exported by 'frost finetune' or 'frost export'.");
        }

        var r = Recipe.Parse(json, path);
        MemoryBudget.Require($"running {path} at {r.InputSize}x{r.InputSize} on {batch} images at a time", r.MinimumForwardBytes(batch), "use a smaller --batch-size");
        Layer layer;
        using (CliErrors.Doing($"importing {path}"))
        {
            layer = OnnxImporter.Import(onnx, "model");
        }

        return new Classifier(layer, r, path);
    }

    /// <summary>
    /// The <paramref name="top"/> most probable classes of each image in <paramref name="files"/>, read in batches of
    /// <paramref name="batch"/> with the recipe's preprocessing; under <see cref="BadImagePolicy.Skip"/> unreadable
    /// files are left out and reported through <paramref name="warn"/>.
    /// </summary>
    public IEnumerable<Prediction> ClassifyImages(IReadOnlyList<string> files, int top, int batch, BadImagePolicy badImages, Action<string> warn)
    {
        var image = Recipe.Image ?? throw new NotSupportedException($"{Source}: model '{Recipe.Model}' does not take images.");
        var set = new ImageFiles(files, new int[files.Count], Recipe.ClassNames);
        var options = new ImagePipelineOptions
        {
            Size = image.Size,
            CenterCropFraction = image.CenterCrop,
            Augmentation = ImageAugmentation.None,
            BadImages = badImages,
            OnWarning = warn,
        };
        var reader = new ImageBatchReader(set, options);
        int[] order = [.. Enumerable.Range(0, files.Count)];
        foreach (var b in reader.Read(order, batch, augment: false))
        {
            float[] probabilities;
            int classes;
            using (GradientTape.NoRecording())
            {
                var logits = Model.Call(b.Images);
                classes = logits.Shape[logits.Rank - 1];
                if (logits.Rank != 2 || classes != Recipe.Classes)
                {
                    throw new FormatException($"{Source}: the model outputs {logits.Shape} for {b.Count} images; its recipe names {Recipe.Classes} classes.");
                }

                probabilities = Ops.Softmax(logits, axis: 1).ToArray();
            }

            for (int i = 0; i < b.Count; i++)
            {
                yield return new Prediction(files[b.Indices[i]], Prediction.Rank(probabilities.AsSpan(i * classes, classes), Recipe.ClassNames, top));
            }
        }
    }

    /// <summary>Whether <paramref name="path"/> starts like a safetensors file (an 8-byte header length, then '{').</summary>
    public static bool IsCheckpoint(string path)
    {
        using var f = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        return f.Read(head) == 9 && head[8] == (byte)'{';
    }
}
