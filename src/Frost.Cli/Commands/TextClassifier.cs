using Frost.IO;
using Frost.Layers;
using Frost.Onnx;
using Frost.Onnx.Import;
using Frost.Text.Data;
using Frost.Text.Tokenization;

namespace Frost.Cli.Commands;

/// <summary>
/// A fine-tuned text classifier and its recipe, loaded from a checkpoint or from an ONNX export alone, that tokenises
/// texts exactly as training did (the recipe's max length and tail pieces) and ranks classes for them.
/// </summary>
internal sealed class TextClassifier
{
    private readonly BertWordPieceTokenizer _tokenizer;

    private TextClassifier(BertClassifier model, TextRecipe recipe, string source)
    {
        if (model.Classes != recipe.ClassNames.Count)
        {
            throw new FormatException($"{source}: the model outputs {model.Classes} classes; its recipe names {recipe.ClassNames.Count}.");
        }

        if (model.Config.MaxPositions < recipe.MaxLength)
        {
            throw new FormatException($"{source}: the model reads at most {model.Config.MaxPositions} positions; its recipe cuts texts to {recipe.MaxLength} pieces.");
        }

        using (CliErrors.Doing("loading the all-MiniLM-L6-v2 vocabulary"))
        {
            _tokenizer = BertWordPieceTokenizer.FromMiniLm();
        }

        if (model.Config.VocabularySize != _tokenizer.VocabularySize)
        {
            throw new FormatException($"{source}: the model has {model.Config.VocabularySize} word embeddings; the all-MiniLM-L6-v2 vocabulary has {_tokenizer.VocabularySize} pieces.");
        }

        Model = model;
        Recipe = recipe;
        Source = source;
        Model.Training = false;
    }

    /// <summary>The network, in inference mode.</summary>
    public BertClassifier Model { get; }

    /// <summary>How texts are cut, and the class names.</summary>
    public TextRecipe Recipe { get; }

    /// <summary>The file it came from.</summary>
    public string Source { get; }

    /// <summary>A lower bound of the memory a forward pass over <paramref name="batch"/> texts of the recipe's max length holds: attention scores and weights, and the feed-forward activations.</summary>
    public static long MinimumForwardBytes(TextRecipe recipe, int batch)
    {
        var c = TextRecipe.Config;
        long t = recipe.MaxLength;
        return (long)batch * ((2L * c.Heads * t * t) + (t * c.FeedForward)) * sizeof(float);
    }

    /// <summary>Rebuilds the classifier of an open checkpoint (LoRA adapters merged) with the recipe in its metadata.</summary>
    public static TextClassifier FromCheckpoint(Safetensors file, string path, int batch)
    {
        if (!CheckpointInfo.Read(file).IsFrostCheckpoint)
        {
            throw new FormatException($"{path}: not a Frost checkpoint (no Frost metadata); expected a checkpoint written by 'frost finetune --model minilm' or 'frost demo text'.");
        }

        var recipe = TextRecipe.Read(file.Metadata, path);
        Require(recipe, path, batch);
        var model = recipe.BuildEmpty();
        bool adapters = LoraRun.Reattach(file, model);
        using (CliErrors.Doing($"restoring {path}"))
        {
            Checkpoint.Restore(file, model, FreezeStatePolicy.FromCheckpoint);
        }

        if (adapters)
        {
            Frost.Adapters.Lora.Merge(model, keepWeights: false);
        }

        return new TextClassifier(model, recipe, path);
    }

    /// <summary>Rebuilds the classifier of an ONNX export with the recipe in its metadata_props.</summary>
    public static TextClassifier FromOnnx(OnnxModel onnx, string path, int batch)
    {
        var recipe = TextRecipe.Read(onnx.Metadata, path);
        Require(recipe, path, batch);
        BertClassifier model;
        using (CliErrors.Doing($"importing {path}"))
        {
            model = BertImport.ClassifierFromOnnx(onnx, "model");
        }

        return new TextClassifier(model, recipe, path);
    }

    private static void Require(TextRecipe recipe, string path, int batch)
        => MemoryBudget.Require($"running {path} on {batch} texts of up to {recipe.MaxLength} pieces at a time", MinimumForwardBytes(recipe, batch), "use a smaller --batch-size");

    /// <summary>
    /// The <paramref name="top"/> most probable classes of each text, in the order given. Texts are tokenised as in
    /// training and run longest first in batches of <paramref name="batch"/>, so each batch is padded little.
    /// </summary>
    public List<Prediction> Classify(IReadOnlyList<TextInput> texts, int top, int batch)
    {
        var ids = new int[texts.Count][];
        Parallel.For(0, ids.Length, i => ids[i] = TokenizedTexts.EncodeText(texts[i].Text, _tokenizer, Recipe.MaxLength, Recipe.TailPieces));
        int[] order = [.. Enumerable.Range(0, ids.Length).OrderByDescending(i => ids[i].Length)];
        var results = new Prediction[texts.Count];
        int classes = Recipe.ClassNames.Count;
        for (int start = 0; start < order.Length; start += batch)
        {
            int[] rows = order[start..Math.Min(order.Length, start + batch)];
            var (idsTensor, mask) = TokenizedTexts.Pad([.. rows.Select(i => ids[i])], _tokenizer.PadId);
            float[] probabilities;
            using (GradientTape.NoRecording())
            {
                var logits = Model.Call(idsTensor, mask);
                if (logits.Shape != new Shape(rows.Length, classes))
                {
                    throw new FormatException($"{Source}: the model outputs {logits.Shape} for {rows.Length} texts; its recipe names {classes} classes.");
                }

                probabilities = Ops.Softmax(logits, axis: 1).ToArray();
            }

            for (int r = 0; r < rows.Length; r++)
            {
                var input = texts[rows[r]];
                results[rows[r]] = new Prediction(input.Name, Prediction.Rank(probabilities.AsSpan(r * classes, classes), Recipe.ClassNames, top), input.Label);
            }
        }

        return [.. results];
    }
}
