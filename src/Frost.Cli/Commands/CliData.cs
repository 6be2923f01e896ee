using Frost.Data;

namespace Frost.Cli.Commands;

/// <summary>Loads an IDX split for a command: only the images asked for, after checking the memory they need.</summary>
internal static class CliData
{
    /// <summary>The first <paramref name="maxCount"/> images of <paramref name="split"/> in <paramref name="folder"/>.</summary>
    public static LabeledImages Load(string folder, string split, int maxCount, string countOption)
    {
        var header = LabeledImages.ReadIdxHeader(folder, split);
        if (header.Dims.Count == 3)
        {
            long count = Math.Min(maxCount, header.Dims[0]);
            long bytes = count * header.Dims[1] * header.Dims[2] * sizeof(float);
            MemoryBudget.Require($"loading {count:N0} {split} images of {header.Dims[1]}x{header.Dims[2]}", bytes, $"use {countOption} to load fewer");
        }

        using (CliErrors.Doing($"loading the {split} images from {folder}"))
        {
            return LabeledImages.LoadIdx(folder, split, LabeledImages.FashionMnistClasses, maxCount);
        }
    }
}
