
namespace Frost.Vision.Tests;

public sealed class BatchReaderTests
{
    private static ImagePipelineOptions Options(int workers, int size = 8) => new()
    {
        Size = size,
        Workers = workers,
        Seed = 11,
        Augmentation = ImageAugmentation.Default with { Brightness = 0.4, Contrast = 0.4, Saturation = 0.4, Hue = 0.1 },
    };

    private static int[] Shuffled(int n, ulong seed) => new Rng(seed).Permutation(n);

    private static List<ImageBatch> ReadAll(ImageBatchReader reader, int[] order, int batchSize, bool augment, int epoch = 0)
        => [.. reader.Read(order, batchSize, augment, epoch)];

    [Fact]
    public void Batches_follow_the_order_with_labels_and_a_short_last_batch()
    {
        var data = new RecordingDataset(23);
        var order = Shuffled(23, 1);
        var batches = ReadAll(new ImageBatchReader(data, Options(2)), order, 5, augment: false);
        Assert.Equal([5, 5, 5, 5, 3], batches.Select(b => b.Count));
        Assert.Equal(order, batches.SelectMany(b => b.Indices));
        Assert.Equal(order.Select(i => data.Labels[i]), batches.SelectMany(b => b.Labels));
        Assert.Equal(new Shape(5, 3, 8, 8), batches[0].Images.Shape);
        Assert.Equal(new Shape(3, 3, 8, 8), batches[^1].Images.Shape);
    }

    [Fact]
    public void Batches_equal_single_example_reads()
    {
        var data = new RecordingDataset(9);
        var reader = new ImageBatchReader(data, Options(3));
        var order = Shuffled(9, 2);
        var batches = ReadAll(reader, order, 4, augment: true, epoch: 3);
        int k = 0;
        foreach (var b in batches)
        {
            for (int i = 0; i < b.Count; i++, k++)
            {
                var one = reader.ReadExample(order[k], augment: true, epoch: 3).ToArray();
                Assert.Equal(one, b.Images.AsReadOnlySpan().Slice(i * one.Length, one.Length).ToArray());
            }
        }
    }

    [Fact]
    public void Augmented_batches_are_identical_for_any_worker_count_and_differ_between_epochs()
    {
        var data = new RecordingDataset(30);
        var order = Shuffled(30, 3);
        float[] Run(int workers, int epoch, int batch = 7) => [.. ReadAll(new ImageBatchReader(data, Options(workers)), order, batch, true, epoch).SelectMany(b => b.Images.ToArray())];
        var one = Run(1, 0);
        Assert.Equal(one, Run(2, 0));
        Assert.Equal(one, Run(4, 0, batch: 30));
        Assert.NotEqual(one, Run(2, 1));
        Assert.All(one, v => Assert.InRange(v, 0f, 255f));

        // Each example's draws depend on (seed, epoch, index) only: a different order gives the same images.
        var byIndex = ReadAll(new ImageBatchReader(data, Options(2)), [.. order.Reverse()], 30, true)[0];
        var first = ReadAll(new ImageBatchReader(data, Options(2)), order, 30, true)[0];
        int n = 3 * 8 * 8;
        for (int i = 0; i < 30; i++)
        {
            int j = Array.IndexOf(byIndex.Indices, first.Indices[i]);
            Assert.Equal(first.Images.AsReadOnlySpan().Slice(i * n, n).ToArray(), byIndex.Images.AsReadOnlySpan().Slice(j * n, n).ToArray());
        }
    }

    [Fact]
    public void Evaluation_reads_ignore_augmentation()
    {
        var data = new RecordingDataset(6, side: 8);
        var eval = ReadAll(new ImageBatchReader(data, Options(2)), [0, 1, 2, 3, 4, 5], 6, augment: false)[0];
        var plain = ReadAll(new ImageBatchReader(data, Options(1) with { Augmentation = ImageAugmentation.None }), [0, 1, 2, 3, 4, 5], 6, augment: true)[0];
        Assert.Equal(plain.Images.ToArray(), eval.Images.ToArray());
        Assert.True(ImageAugmentation.None.IsIdentity);
        Assert.False(ImageAugmentation.Default.IsIdentity);
        Assert.False((ImageAugmentation.None with { Hue = 0.1 }).IsIdentity);
    }

    [Fact]
    public void Recycled_batches_hold_the_same_images_and_reuse_memory()
    {
        var data = new RecordingDataset(64, side: 16);
        var order = Shuffled(64, 4);
        var reference = ReadAll(new ImageBatchReader(data, Options(2, size: 32)), order, 4, true).Select(b => b.Images.ToArray()).ToList();
        var reader = new ImageBatchReader(data, Options(2, size: 32) with { RecycleBatches = true, Prefetch = 2 });
        var batches = new List<Tensor>();
        foreach (var b in reader.Read(order, 4, true))
        {
            Assert.Equal(reference[batches.Count], b.Images.ToArray());
            batches.Add(b.Images);
        }

        Assert.Equal(16, batches.Count);
        batches.AddRange(reader.Read(order, 4, false, epoch: 1).Select(b => b.Images)); // a second pass reuses the first's buffers
        Assert.InRange(DistinctBuffers(batches), 2, 2 + 2); // Prefetch + 2 at most
        Assert.Equal(16, DistinctBuffers(ReadAll(new ImageBatchReader(data, Options(2, size: 32)), order, 4, true).Select(b => b.Images).ToList()));
    }

    /// <summary>How many different arrays back the tensors: a marker written through one shows through its aliases.</summary>
    private static int DistinctBuffers(List<Tensor> tensors)
    {
        var seen = new bool[tensors.Count];
        int distinct = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            if (seen[i])
            {
                continue;
            }

            distinct++;
            tensors[i].AsSpan()[0] = -1 - i;
            for (int j = i + 1; j < tensors.Count; j++)
            {
                seen[j] |= tensors[j].AsReadOnlySpan()[0] == -1 - i;
            }
        }

        return distinct;
    }

    [Fact]
    public void Workers_never_run_more_than_the_prefetch_ahead()
    {
        var data = new RecordingDataset(60);
        var reader = new ImageBatchReader(data, Options(4) with { Prefetch = 2 });
        int batchSize = 3, taken = 0;
        foreach (var b in reader.Read(Enumerable.Range(0, 60).ToArray(), batchSize, augment: false))
        {
            taken++;
            Thread.Sleep(20); // a slow consumer: workers have time to run ahead if they could
            int opened = data.Opened.Count;
            Assert.True(opened <= (taken + 2) * batchSize, $"after {taken} batches, {opened} examples were opened");
            Assert.True(reader.LastProducer!.HighestClaimedBatch < taken + 2);
            if (taken == 5)
            {
                break;
            }
        }

        Thread.Sleep(50);
        Assert.True(data.Opened.Count <= 7 * batchSize, $"{data.Opened.Count} examples opened after the consumer stopped at batch 5");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_bad_file_surfaces_on_the_consumer_after_the_batches_before_it(int workers)
    {
        var data = new RecordingDataset(40);
        data.Bad.UnionWith([17, 19, 31]);
        var reader = new ImageBatchReader(data, Options(workers));
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var seen = new List<int>();
            var e = Assert.Throws<ImageDecodeException>(() =>
            {
                foreach (var b in reader.Read(Enumerable.Range(0, 40).ToArray(), 5, augment: true))
                {
                    seen.AddRange(b.Indices);
                }
            });
            Assert.Equal("/data/example17.png: truncated: the file ends before the image data does", e.Message);
            Assert.Equal(Enumerable.Range(0, 15), seen);
        }
    }

    [Fact]
    public void An_unexpected_worker_exception_surfaces_unchanged()
    {
        var data = new RecordingDataset(20);
        data.Broken.Add(6);
        var reader = new ImageBatchReader(data, Options(2) with { BadImages = BadImagePolicy.Skip });
        var e = Assert.Throws<InvalidOperationException>(() => ReadAll(reader, Enumerable.Range(0, 20).ToArray(), 4, false));
        Assert.Equal("broken example 6", e.Message);
    }

    [Fact]
    public void Skip_policy_leaves_bad_files_out_and_warns_once()
    {
        var data = new RecordingDataset(12);
        data.Bad.UnionWith([2, 3, 9]);
        var warnings = new List<string>();
        var reader = new ImageBatchReader(data, Options(2) with { BadImages = BadImagePolicy.Skip, OnWarning = warnings.Add });
        var order = Enumerable.Range(0, 12).ToArray();
        var clean = new ImageBatchReader(new RecordingDataset(12), Options(1));
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var batches = ReadAll(reader, order, 4, augment: false, epoch);
            Assert.Equal([2, 4, 3], batches.Select(b => b.Count));
            Assert.Equal([0, 1, 4, 5, 6, 7, 8, 10, 11], batches.SelectMany(b => b.Indices));
            Assert.Equal(new Shape(2, 3, 8, 8), batches[0].Images.Shape);
            var expected = clean.ReadExample(1).ToArray();
            Assert.Equal(expected, batches[0].Images.AsReadOnlySpan()[expected.Length..].ToArray());
        }

        Assert.Equal(
            ["/data/example2.png: truncated: the file ends before the image data does (skipped)", "/data/example3.png: truncated: the file ends before the image data does (skipped)", "/data/example9.png: truncated: the file ends before the image data does (skipped)"],
            warnings);
        Assert.Equal([2, 3, 9], reader.SkippedExamples);
        Assert.Equal(12 + 9, data.Opened.Count); // known-bad files are not opened again
    }

    [Fact]
    public void Batches_made_entirely_of_bad_files_are_not_yielded()
    {
        var data = new RecordingDataset(8);
        data.Bad.UnionWith([4, 5, 6, 7]);
        var reader = new ImageBatchReader(data, Options(2) with { BadImages = BadImagePolicy.Skip });
        Assert.Single(ReadAll(reader, Enumerable.Range(0, 8).ToArray(), 4, false));
    }

    [Fact]
    public void Cancellation_stops_the_workers_and_throws()
    {
        var data = new RecordingDataset(200) { Delay = TimeSpan.FromMilliseconds(5) };
        var reader = new ImageBatchReader(data, Options(2) with { Prefetch = 4 });
        using var cts = new CancellationTokenSource();
        int taken = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var b in reader.Read(Enumerable.Range(0, 200).ToArray(), 4, true, 0, cts.Token))
            {
                if (++taken == 2)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.Equal(2, taken);
        int opened = data.Opened.Count;
        Thread.Sleep(60);
        Assert.Equal(opened, data.Opened.Count); // workers were joined: nothing runs after the throw
        Assert.True(opened <= (2 + 4) * 4);
    }

    [Fact]
    public void Cancellation_wakes_a_consumer_waiting_on_slow_workers()
    {
        var data = new RecordingDataset(10) { Delay = TimeSpan.FromMilliseconds(300) };
        var reader = new ImageBatchReader(data, Options(1));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => ReadAll2(reader, cts.Token));
        Assert.True(watch.ElapsedMilliseconds < 2000, $"took {watch.ElapsedMilliseconds} ms");
    }

    private static void ReadAll2(ImageBatchReader reader, CancellationToken token)
    {
        foreach (var _ in reader.Read(Enumerable.Range(0, 10).ToArray(), 10, false, 0, token))
        {
        }
    }

    [Fact]
    public void Batch_tensors_belong_to_no_tape_of_the_consumer()
    {
        var data = new RecordingDataset(8);
        var reader = new ImageBatchReader(data, Options(2));
        var kept = new List<Tensor>();
        using (new GradientTape())
        {
            foreach (var b in reader.Read(Enumerable.Range(0, 8).ToArray(), 4, false))
            {
                kept.Add(b.Images);
            }

            kept.Add(reader.ReadExample(0));
        }

        Assert.All(kept, t => Assert.False(t.IsReleased));
        Assert.Equal(reader.ReadExample(0).ToArray(), kept[^1].ToArray());
    }

    [Fact]
    public void Bad_arguments_are_refused_up_front()
    {
        var reader = new ImageBatchReader(new RecordingDataset(4), Options(1));
        Assert.Throws<ArgumentException>(() => reader.Read([0, 4], 2, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Read([0], 0, false));
        Assert.Throws<ArgumentException>(() => new ImageBatchReader(new RecordingDataset(4), new() { Size = 0 }));
        Assert.Throws<ArgumentException>(() => new ImageBatchReader(new RecordingDataset(4), new() { Augmentation = new() { Scale = (0.5, 0.1) } }));
        Assert.Empty(reader.Read([], 3, false));
    }
}
