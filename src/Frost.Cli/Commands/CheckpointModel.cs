using Frost.IO;
using Frost.Layers;

namespace Frost.Cli.Commands;

/// <summary>Rebuilds the model a checkpoint was trained from and restores it.</summary>
internal static class CheckpointModel
{
    public static (Sequential Model, Recipe Recipe, RestoreReport Report) Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint {path} does not exist.", path);
        }

        using var file = Safetensors.Open(path);
        if (!file.Metadata.TryGetValue(Recipe.MetadataKey, out var text))
        {
            throw new FormatException($"{path}: no '{Recipe.MetadataKey}' entry in the metadata; it was not written by 'frost demo' or 'frost finetune'.");
        }

        var recipe = Recipe.Parse(text, path);
        var model = recipe.Build(new Rng(0));
        var report = Checkpoint.Restore(file, model, FreezeStatePolicy.FromCheckpoint);
        return (model, recipe, report);
    }
}
