namespace Frost.Vision.Tests;

public sealed class ImageFolderTests : IDisposable
{
    private static readonly byte[] Png = TestImages.Png(TestImages.Pattern(4, 4), 4, 4);

    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private void Images(string folder, int count, string ext = ".png")
    {
        for (int i = 0; i < count; i++)
        {
            _tmp.Write(Path.Combine(folder, $"img{i:D2}{ext}"), Png);
        }
    }

    [Fact]
    public void Classes_are_sub_folders_sorted_ordinally_with_files_in_path_order()
    {
        Images("b", 2);
        Images("B", 1, ".JPG");
        Images("a", 3, ".Jpeg");
        _tmp.Write("a/nested/deep.webp", Png);
        _tmp.Write("a/notes.txt", [1]);
        _tmp.Write("a/.hidden.png", Png);
        _tmp.Write("a/._mac.png", [0]);
        Images(".ipynb_checkpoints", 1);
        var f = ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0 });
        Assert.Equal(["B", "a", "b"], f.ClassNames);
        Assert.Equal(7, f.Train.Count);
        Assert.Equal(0, f.Validation.Count);
        Assert.Equal([0, 1, 1, 1, 1, 2, 2], f.Train.Labels);
        Assert.Equal(
            ["B/img00.JPG", "a/img00.Jpeg", "a/img01.Jpeg", "a/img02.Jpeg", "a/nested/deep.webp", "b/img00.png", "b/img01.png"],
            f.Train.Paths.Select(p => Path.GetRelativePath(_tmp.Path, p)));
        Assert.Empty(f.Warnings);
    }

    [Fact]
    public void Train_and_val_folders_give_the_split()
    {
        Images("train/cat", 3);
        Images("train/dog", 2);
        Images("val/dog", 1);
        Images("test/cat", 1);
        var f = ImageFolder.Open(_tmp.Path);
        Assert.Equal(["cat", "dog"], f.ClassNames);
        Assert.Equal(5, f.Train.Count);
        Assert.Equal([1], f.Validation.Labels);
        Assert.Contains("val/", f.Layout);
        Assert.Contains(f.Warnings, w => w.Contains("test") && w.Contains("not read"));
    }

    [Fact]
    public void Train_and_test_folders_give_the_split_when_there_is_no_val()
    {
        Images("Train/cat", 2);
        Images("Train/dog", 2);
        Images("TEST/cat", 2);
        var f = ImageFolder.Open(_tmp.Path);
        Assert.Equal(4, f.Train.Count);
        Assert.Equal([0, 0], f.Validation.Labels);
        Assert.Contains("TEST/", f.Layout);
    }

    [Fact]
    public void A_class_named_train_beside_other_classes_is_a_class()
    {
        Images("bus", 2);
        Images("car", 2);
        Images("train", 2);
        var f = ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0 });
        Assert.Equal(["bus", "car", "train"], f.ClassNames);
    }

    [Fact]
    public void Seeded_split_is_stratified_deterministic_and_disjoint()
    {
        Images("a", 10);
        Images("b", 20);
        Images("c", 5);
        var f = ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0.2, Seed = 7 });
        Assert.Equal([2, 4, 1], f.Validation.ClassCounts());
        Assert.Equal([8, 16, 4], f.Train.ClassCounts());
        Assert.Empty(f.Train.Paths.Intersect(f.Validation.Paths));
        Assert.Equal(35, f.Train.Paths.Union(f.Validation.Paths).Count());

        var again = ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0.2, Seed = 7 });
        Assert.Equal(f.Validation.Paths, again.Validation.Paths);
        Assert.Equal(f.Train.Paths, again.Train.Paths);

        var other = Enumerable.Range(8, 5).Select(s => ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0.2, Seed = (ulong)s }));
        Assert.Contains(other, o => !o.Validation.Paths.SequenceEqual(f.Validation.Paths));
    }

    [Fact]
    public void A_class_keeps_at_least_one_training_example()
    {
        Images("a", 1);
        Images("b", 2);
        var f = ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0.9 });
        Assert.Equal([1, 1], f.Train.ClassCounts());
        Assert.Equal([0, 1], f.Validation.ClassCounts());
    }

    [Fact]
    public void Symbolic_links_are_skipped_with_a_warning()
    {
        Images("a", 2);
        Images("b", 2);
        File.CreateSymbolicLink(Path.Combine(_tmp.Path, "a", "link.png"), Path.Combine(_tmp.Path, "b", "img00.png"));
        Directory.CreateSymbolicLink(Path.Combine(_tmp.Path, "c"), Path.Combine(_tmp.Path, "a"));
        Directory.CreateSymbolicLink(Path.Combine(_tmp.Path, "a", "loop"), _tmp.Path);
        var f = ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 0 });
        Assert.Equal(["a", "b"], f.ClassNames);
        Assert.Equal(4, f.Train.Count);
        Assert.Equal(3, f.Warnings.Count);
        Assert.All(f.Warnings, w => Assert.Contains("symbolic link skipped", w));
    }

    [Fact]
    public void Bad_layouts_give_one_line_errors_naming_the_place()
    {
        void Fails(string expected, ImageFolderOptions? options = null, string? root = null)
        {
            var e = Assert.Throws<ImageFolderException>(() => ImageFolder.Open(root ?? _tmp.Path, options));
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }

        Fails("folder not found", root: Path.Combine(_tmp.Path, "missing"));
        Fails("no class folders");
        Images("only", 3);
        Fails("only one class folder ('only')");
        _tmp.Dir("empty");
        Fails("class folder without images");
        Images("empty", 1);
        _tmp.Write("loose.jpg", Png);
        Fails("loose.jpg: image outside a class folder");
        File.Delete(Path.Combine(_tmp.Path, "loose.jpg"));
        Assert.Equal(2, ImageFolder.Open(_tmp.Path).ClassNames.Count);

        using var split = new TempFolder();
        Images2(split, "train/a", 2);
        Images2(split, "train/b", 2);
        Images2(split, "val/zebra", 1);
        Fails("class 'zebra' has no folder in", root: split.Path);
        split.Write("train/x.png", Png);
        Fails("image outside a class folder", root: split.Path);

        Assert.Throws<ArgumentException>(() => ImageFolder.Open(_tmp.Path, new() { ValidationFraction = 1 }));
    }

    private static void Images2(TempFolder t, string folder, int count)
    {
        t.Dir(folder);
        for (int i = 0; i < count; i++)
        {
            t.Write(Path.Combine(folder, $"i{i}.png"), Png);
        }
    }
}
