using Frost.Layers;
using Frost.Optimizers;
using Frost.Training;

namespace Frost.Vision.Tests;

/// <summary>An image folder as a Learner dataset: batches as asked, augmentation on training reads only, bad files left out.</summary>
public sealed class StreamingImageDatasetTests : IDisposable
{
    private readonly TempFolder _tmp = new();
    private readonly ImageFiles _files;
    private readonly int _bad;

    public StreamingImageDatasetTests()
    {
        var paths = new List<string>();
        var labels = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            string name = $"{(i % 2 == 0 ? "a" : "b")}/{i}";
            paths.Add(i == 6
                ? _tmp.Write(name + ".png", [1, 2, 3])
                : _tmp.Write(name + (i % 3 == 0 ? ".jpg" : ".png"), i % 3 == 0 ? TestImages.Jpeg(TestImages.Pattern(20, 14, i), 20, 14) : TestImages.Png(TestImages.Pattern(14, 20, i), 14, 20)));
            labels.Add(i % 2);
        }

        _bad = 6;
        _files = new ImageFiles(paths, labels, ["a", "b"]);
    }

    public void Dispose() => _tmp.Dispose();

    private StreamingImageDataset Set(ImageAugmentation augmentation, List<string>? warnings = null)
        => new(_files, new ImagePipelineOptions { Size = 8, Workers = 2, Augmentation = augmentation, Seed = 5, BadImages = BadImagePolicy.Skip, OnWarning = warnings is null ? null : warnings.Add });

    [Fact]
    public void Batches_of_any_sizes_come_in_order_without_the_unreadable_file()
    {
        var warnings = new List<string>();
        var set = Set(ImageAugmentation.None, warnings);
        int[][] asked = [[9, 0, 6], [1, 2, 3], [4], [5, 7, 8, 6]];
        var got = set.Read(asked, training: false, epoch: 0).ToList();
        Assert.Equal(asked.Select(b => b.Where(i => i != _bad)), got.Select(b => b.Indices));
        Assert.All(got, b => Assert.Equal(new Shape(b.Indices.Length, 3, 8, 8), b.Inputs[0].Shape));
        Assert.All(got, b => Assert.Equal(b.Indices.Select(i => i % 2), b.Labels));
        Assert.Contains(warnings, w => w.Contains(_files.Paths[_bad], StringComparison.Ordinal));
    }

    [Fact]
    public void Only_training_reads_are_augmented_and_only_augmentation_rules_out_the_feature_cache()
    {
        var augmented = Set(ImageAugmentation.Default with { FlipProbability = 1 });
        Assert.True(augmented.AugmentsTraining);
        Assert.False(Set(ImageAugmentation.None).AugmentsTraining);
        int[][] batch = [[0, 1, 2]];
        var eval = augmented.Read(batch, training: false, epoch: 0).Single().Inputs[0].ToArray();
        var plain = Set(ImageAugmentation.None).Read(batch, training: true, epoch: 0).Single().Inputs[0].ToArray();
        var train = augmented.Read(batch, training: true, epoch: 0).Single().Inputs[0].ToArray();
        Assert.Equal(eval, plain);
        Assert.NotEqual(eval, train);
    }

    [Fact]
    public void A_learner_caches_the_frozen_prefix_of_an_unaugmented_folder_and_leaves_the_bad_file_out()
    {
        var rng = new Rng(2);
        var model = new Sequential(new Flatten(name: "flatten"), new Dense(192, 6, rng, name: "frozen"), new Dense(6, 2, rng, name: "head"));
        model["frozen"].Freeze();
        var set = Set(ImageAugmentation.None);
        var learner = new Learner(model, set, new Adam(1e-2f), set) { BatchSize = 4, Seed = 1 };
        Assert.True(learner.DescribeCache().Applies, learner.DescribeCache().Reason);
        var result = learner.Fit(1);
        Assert.False(result.Diverged);

        // Validation ran on cached features: the unreadable file has no row there and is left out, as when read.
        Assert.Equal(9, result.Epochs[0].Validation!.Count);
        Assert.Equal(9, learner.Evaluate(set).Count);

        var augmentedLearner = new Learner(model, Set(ImageAugmentation.Default), new Adam(1e-2f)) { BatchSize = 4 };
        Assert.Contains("augmented", augmentedLearner.DescribeCache().Reason, StringComparison.Ordinal);
    }
}
