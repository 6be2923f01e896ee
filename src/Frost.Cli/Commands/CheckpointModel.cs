using Frost.IO;
using Frost.Layers;

namespace Frost.Cli.Commands;

/// <summary>Rebuilds the model a checkpoint was trained from and restores it, reading the file once.</summary>
internal static class CheckpointModel
{
    /// <summary>
    /// Opens <paramref name="path"/> once, checks its Frost metadata and recipe, checks the memory a forward pass
    /// over <paramref name="batch"/> images needs, builds the model and restores it with the saved freeze state.
    /// </summary>
    public static (Sequential Model, Recipe Recipe, RestoreReport Report) Load(string path, int batch)
    {
        using var file = Safetensors.Open(path);
        if (!CheckpointInfo.Read(file).IsFrostCheckpoint)
        {
            throw new FormatException($"{path}: not a Frost checkpoint (no Frost metadata); expected a checkpoint written by 'frost demo' or 'frost finetune'.");
        }

        if (!file.Metadata.TryGetValue(Recipe.MetadataKey, out var text))
        {
            throw new FormatException($"{path}: no '{Recipe.MetadataKey}' entry in the metadata; it was not written by 'frost demo' or 'frost finetune'.");
        }

        var recipe = Recipe.Parse(text, path);
        MemoryBudget.Require($"running the checkpoint's {recipe.InputSize}x{recipe.InputSize} model on {batch} images at a time", recipe.MinimumForwardBytes(batch), $"the recipe in {path} asks for more than this machine can run");
        var model = recipe.Build(new Rng(0));
        bool adapters = LoraRun.Reattach(file, model);
        RestoreReport report;
        using (CliErrors.Doing($"restoring {path}"))
        {
            report = Checkpoint.Restore(file, model, FreezeStatePolicy.FromCheckpoint);
        }

        if (adapters)
        {
            Frost.Adapters.Lora.Merge(model, keepWeights: false);   // plain layers again, for evaluation and export
        }

        return (model, recipe, report);
    }
}
