using System.Globalization;
using Frost.Data;

namespace Frost.Cli.Commands;

/// <summary>Loads an IDX split for a command: only the images asked for, after checking the memory they need.</summary>
internal static class CliData
{
    /// <summary>The file of an IDX folder that names its classes, one per line in label order.</summary>
    public const string ClassNamesFile = "classes.txt";

    /// <summary>
    /// The first <paramref name="maxCount"/> images of <paramref name="split"/> in <paramref name="folder"/>, labelled
    /// with <paramref name="classNames"/>; when null, with the lines of <c>classes.txt</c> in the folder, the
    /// Fashion-MNIST names for the shipped subset, or else the label numbers (0 to the largest label).
    /// </summary>
    public static LabeledImages Load(string folder, string split, int maxCount, string countOption, IReadOnlyList<string>? classNames = null)
    {
        var header = LabeledImages.ReadIdxHeader(folder, split);
        if (header.Dims.Count == 3)
        {
            long count = Math.Min(maxCount, header.Dims[0]);
            long bytes = count * header.Dims[1] * header.Dims[2] * sizeof(float);
            MemoryBudget.Require($"loading {count:N0} {split} images of {header.Dims[1]}x{header.Dims[2]}", bytes, $"use {countOption} to load fewer");
        }

        bool numbered = false;
        if (classNames is null)
        {
            string file = Path.Combine(folder, ClassNamesFile);
            if (File.Exists(file))
            {
                classNames = ReadClassNames(file);
            }
            else if (Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) == Path.GetFullPath(DataPaths.FashionMnistSmall).TrimEnd(Path.DirectorySeparatorChar))
            {
                classNames = LabeledImages.FashionMnistClasses;
            }
            else
            {
                classNames = [.. Enumerable.Range(0, 256).Select(i => i.ToString(CultureInfo.InvariantCulture))];
                numbered = true;
            }
        }

        LabeledImages images;
        using (CliErrors.Doing($"loading the {split} images from {folder}"))
        {
            images = LabeledImages.LoadIdx(folder, split, classNames, maxCount);
        }

        if (numbered)
        {
            int classes = Math.Max(2, images.Labels.DefaultIfEmpty(0).Max() + 1);
            images = new LabeledImages(images.Images, images.Labels, classNames.Take(classes).ToList());
        }

        return images;
    }

    private static List<string> ReadClassNames(string file)
    {
        var names = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (names.Count < 2 || names.Count > 256 || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new FormatException($"{file}: expected 2 to 256 distinct class names, one per line in label order; found {names.Count} lines{(names.Count == names.Distinct(StringComparer.Ordinal).Count() ? "" : " with repeats")}.");
        }

        return names;
    }
}
