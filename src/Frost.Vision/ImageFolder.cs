using System.Globalization;

namespace Frost.Vision;

/// <summary>
/// A folder of images with one sub-folder per class, the convention of Keras
/// <c>image_dataset_from_directory</c>, torchvision <c>ImageFolder</c> and fastai:
/// <c>DIR/&lt;class&gt;/**/*.{jpg,jpeg,png,bmp,webp,gif}</c> (extensions in any case, sub-folders of a class
/// folder included). Class names are the class folder names sorted ordinally; label i is class i.
/// </summary>
/// <remarks>
/// <para>With <c>DIR/train</c> and a validation folder (<c>val</c>, <c>valid</c>, <c>validation</c> or,
/// failing those, <c>test</c>; any case), or with <c>DIR/train</c> alone, classes come from <c>train/</c>
/// and validation from that folder; otherwise <see cref="ImageFolderOptions.ValidationFraction"/> of each
/// class (rounded) is held out at random with <see cref="ImageFolderOptions.Seed"/>: a stratified split.</para>
/// <para>Names starting with '.' are ignored (<c>.ipynb_checkpoints</c>, macOS <c>._x.jpg</c> files), as are
/// files with other extensions. Symbolic links are skipped with a warning (a link cycle cannot loop).
/// Listing is sorted ordinally, so it does not depend on the file system's order. Files are not opened here:
/// bad ones are found when read, under <see cref="ImagePipelineOptions.BadImages"/>.</para>
/// </remarks>
public sealed class ImageFolder
{
    private static readonly string[] ValidationNames = ["val", "valid", "validation", "test"];

    private ImageFolder(string root, IReadOnlyList<string> classNames, ImageFiles train, ImageFiles validation, string layout, IReadOnlyList<string> warnings)
    {
        Root = root;
        ClassNames = classNames;
        Train = train;
        Validation = validation;
        Layout = layout;
        Warnings = warnings;
    }

    /// <summary>Extensions read, lower case with the dot.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".bmp", ".gif", ".jpeg", ".jpg", ".png", ".webp"];

    /// <summary>The folder, as a full path.</summary>
    public string Root { get; }

    /// <summary>Class names indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The training examples, ordered by label then path.</summary>
    public ImageFiles Train { get; }

    /// <summary>The validation examples, ordered by label then path (empty when the fraction is 0).</summary>
    public ImageFiles Validation { get; }

    /// <summary>One line saying where the split came from.</summary>
    public string Layout { get; }

    /// <summary>What was left out and why (symbolic links, folders not read), one line each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Lists the classes and files of <paramref name="root"/> and splits them.</summary>
    /// <exception cref="ImageFolderException">The folder is missing or unreadable, has images outside class folders, fewer than two classes, or a class without images.</exception>
    public static ImageFolder Open(string root, ImageFolderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new ImageFolderOptions();
        if (!(options.ValidationFraction >= 0 && options.ValidationFraction < 1))
        {
            throw new ArgumentException($"ImageFolderOptions.ValidationFraction {options.ValidationFraction} must be in [0, 1).");
        }

        var dir = new DirectoryInfo(root);
        if (!dir.Exists)
        {
            throw new ImageFolderException(dir.FullName, File.Exists(dir.FullName) ? "is a file, not a folder of class folders" : "folder not found");
        }

        var warnings = new List<string>();
        var (subdirs, _) = List(dir, warnings);
        var train = subdirs.FirstOrDefault(d => Is(d, "train"));
        var val = ValidationNames.Select(n => subdirs.FirstOrDefault(d => Is(d, n))).FirstOrDefault(d => d is not null);
        if (train is not null && (val is not null || subdirs.Count == 1))
        {
            return OpenSplit(dir, subdirs, train, val, options, warnings);
        }

        var classes = Classes(dir, warnings);
        var (tr, va) = Split(classes, options);
        string layout = string.Create(CultureInfo.InvariantCulture, $"one folder per class; {options.ValidationFraction:P0} of each class held out for validation (seed {options.Seed})");
        return Build(dir, classes.Keys.ToList(), tr, va, layout, warnings);
    }

    private static ImageFolder OpenSplit(DirectoryInfo dir, List<DirectoryInfo> subdirs, DirectoryInfo train, DirectoryInfo? val, ImageFolderOptions options, List<string> warnings)
    {
        var (_, looseFiles) = List(dir, warnings);
        if (looseFiles.FirstOrDefault(IsImage) is { } loose)
        {
            throw new ImageFolderException(loose.FullName, $"image outside the train/ and validation folders (expected {Path.Combine(dir.FullName, train.Name, "<class>", loose.Name)})");
        }

        foreach (var d in subdirs.Where(d => d != train && d != val))
        {
            warnings.Add($"{d.FullName}: not read (only {train.Name}/{(val is null ? "" : $" and {val.Name}/")} are)");
        }

        var classes = Classes(train, warnings);
        var names = classes.Keys.ToList();
        if (val is null)
        {
            var (tr, va) = Split(classes, options);
            string layout = string.Create(CultureInfo.InvariantCulture, $"{train.Name}/ only; {options.ValidationFraction:P0} of each class held out for validation (seed {options.Seed})");
            return Build(dir, names, tr, va, layout, warnings);
        }

        var valClasses = Classes(val, warnings, allowEmpty: true, minimumClasses: 1);
        foreach (var name in valClasses.Keys)
        {
            if (!classes.ContainsKey(name))
            {
                throw new ImageFolderException(Path.Combine(val.FullName, name), $"class '{name}' has no folder in {train.FullName} (validation classes must be training classes)");
            }
        }

        var valLists = names.Select(n => valClasses.TryGetValue(n, out var f) ? f : []).ToList();
        return Build(dir, names, [.. classes.Values], valLists, $"{train.Name}/ and {val.Name}/ folders", warnings);
    }

    private static ImageFolder Build(DirectoryInfo dir, List<string> names, List<List<string>> train, List<List<string>> val, string layout, List<string> warnings)
    {
        static ImageFiles Files(List<List<string>> perClass, List<string> names)
        {
            var paths = new List<string>();
            var labels = new List<int>();
            for (int c = 0; c < perClass.Count; c++)
            {
                paths.AddRange(perClass[c]);
                labels.AddRange(Enumerable.Repeat(c, perClass[c].Count));
            }

            return new ImageFiles(paths, labels, names);
        }

        return new ImageFolder(dir.FullName, names, Files(train, names), Files(val, names), layout, warnings);
    }

    /// <summary>Stratified split: per class, a seeded draw of round(n · fraction) files for validation; both parts keep path order.</summary>
    private static (List<List<string>> Train, List<List<string>> Validation) Split(SortedDictionary<string, List<string>> classes, ImageFolderOptions options)
    {
        var rng = new Rng(options.Seed);
        var train = new List<List<string>>();
        var val = new List<List<string>>();
        foreach (var files in classes.Values)
        {
            int n = files.Count;
            int k = Math.Min(n - 1, (int)Math.Round(n * options.ValidationFraction, MidpointRounding.AwayFromZero));
            var held = new bool[n];
            foreach (int i in rng.Permutation(n).AsSpan(0, k))
            {
                held[i] = true;
            }

            train.Add([.. files.Where((_, i) => !held[i])]);
            val.Add([.. files.Where((_, i) => held[i])]);
        }

        return (train, val);
    }

    /// <summary>The class folders of <paramref name="dir"/> and their image files (recursively), sorted ordinally.</summary>
    private static SortedDictionary<string, List<string>> Classes(DirectoryInfo dir, List<string> warnings, bool allowEmpty = false, int minimumClasses = 2)
    {
        var (subdirs, files) = List(dir, warnings);
        if (files.FirstOrDefault(IsImage) is { } loose)
        {
            int count = files.Count(IsImage);
            throw new ImageFolderException(loose.FullName, $"image outside a class folder ({count} such file{(count == 1 ? "" : "s")} in {dir.FullName}); put each class's images in its own sub-folder, e.g. {Path.Combine(dir.FullName, "<class>", loose.Name)}");
        }

        var classes = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var sub in subdirs)
        {
            var images = Images(sub, warnings);
            if (images.Count == 0 && !allowEmpty)
            {
                throw new ImageFolderException(sub.FullName, $"class folder without images ({string.Join(", ", Extensions)})");
            }

            classes.Add(sub.Name, images);
        }

        if (classes.Count < minimumClasses)
        {
            throw new ImageFolderException(dir.FullName, classes.Count == 0
                ? "no class folders; expected one sub-folder of images per class (DIR/<class>/<image>)"
                : $"only one class folder ('{classes.Keys.First()}'); a classifier needs at least two");
        }

        return classes;
    }

    /// <summary>Image files under <paramref name="dir"/>, any depth, sorted ordinally by full path.</summary>
    private static List<string> Images(DirectoryInfo dir, List<string> warnings)
    {
        var result = new List<string>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(dir);
        while (pending.Count > 0)
        {
            var (subdirs, files) = List(pending.Pop(), warnings);
            result.AddRange(files.Where(IsImage).Select(f => f.FullName));
            foreach (var s in subdirs)
            {
                pending.Push(s);
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>The non-hidden sub-folders and files of <paramref name="dir"/>, sorted; symbolic links skipped with a warning.</summary>
    private static (List<DirectoryInfo> Folders, List<FileInfo> Files) List(DirectoryInfo dir, List<string> warnings)
    {
        var folders = new List<DirectoryInfo>();
        var files = new List<FileInfo>();
        try
        {
            var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };
            foreach (var e in dir.EnumerateFileSystemInfos("*", options).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (e.Name.StartsWith('.'))
                {
                    continue;
                }

                if (e.LinkTarget is not null)
                {
                    string warning = $"{e.FullName}: symbolic link skipped";
                    if (!warnings.Contains(warning))
                    {
                        warnings.Add(warning);
                    }

                    continue;
                }

                switch (e)
                {
                    case DirectoryInfo d:
                        folders.Add(d);
                        break;
                    case FileInfo f:
                        files.Add(f);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageFolderException(dir.FullName, $"cannot be listed ({ex.Message})");
        }

        return (folders, files);
    }

    private static bool IsImage(FileInfo f) => Extensions.Contains(f.Extension.ToLowerInvariant());

    private static bool Is(DirectoryInfo d, string name) => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase);
}
