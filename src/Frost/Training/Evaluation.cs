using System.Diagnostics;
using Frost.Data;
using Frost.Layers;

namespace Frost.Training;

/// <summary>Evaluates a classifier on a labelled set in inference mode, without changing it.</summary>
public static class Evaluation
{
    /// <summary>
    /// Runs <paramref name="model"/> on every example of <paramref name="data"/> in inference mode, recording nothing,
    /// and returns loss, accuracy, top-k accuracy and the confusion matrix. The model's values, running statistics
    /// and modes are the same afterwards.
    /// </summary>
    /// <param name="model">Maps a batch's inputs to logits [N, classes].</param>
    /// <param name="data">The labelled set.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    /// <param name="topK">The k of top-k accuracy (clamped to the number of classes).</param>
    /// <param name="loss">The loss of logits against labels; cross-entropy when null.</param>
    /// <param name="progress">Called with (examples done, total) after each batch.</param>
    public static ClassificationMetrics Run(Layer model, IDataset data, int batchSize = 256, int topK = 5, Func<Tensor, int[], Tensor>? loss = null, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        return Run(model, data, data.ClassNames, b => b.Inputs.Count == 1 ? model.Call(b.Inputs[0]) : model.Call([.. b.Inputs]), loss ?? Ops.CrossEntropy, batchSize, topK, progress, null);
    }

    /// <summary>The evaluation loop; with <paramref name="dp"/>, each rank evaluates every n-th batch and the counts are summed.</summary>
    internal static ClassificationMetrics Run(Layer model, IDataset source, IReadOnlyList<string> classNames, Func<DataBatch, Tensor> forward, Func<Tensor, int[], Tensor> loss, int batchSize, int topK, Action<long, long>? progress, IDataParallel? dp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int classes = classNames.Count;
        int k = Math.Clamp(topK, 1, classes);
        var confusion = new long[classes, classes];
        double lossSum = 0;
        long topHits = 0, done = 0;
        var clock = Stopwatch.StartNew();
        var modes = model.CaptureModes();
        try
        {
            model.Training = false;
            using var noRecord = GradientTape.NoRecording();
            var batches = Batches.ForInference(source, batchSize).Where((_, i) => dp is null || i % dp.Size == dp.Rank).ToList();
            using var reader = source.Read(batches, training: false, epoch: 0).GetEnumerator();
            while (true)
            {
                using var scope = new TensorScope();
                if (!reader.MoveNext())
                {
                    break;
                }

                var batch = reader.Current;
                var logits = forward(batch);
                lossSum += (double)loss(logits, batch.Labels).Item() * batch.Labels.Length;
                topHits += Tally(logits, batch.Labels, confusion, k);
                done += batch.Labels.Length;
                progress?.Invoke(done, source.Count);
            }
        }
        finally
        {
            model.RestoreModes(modes);
        }

        if (dp is not null)
        {
            var all = new double[(classes * classes) + 2];
            for (int a = 0; a < classes; a++)
            {
                for (int p = 0; p < classes; p++)
                {
                    all[(a * classes) + p] = confusion[a, p];
                }
            }

            all[^2] = lossSum;
            all[^1] = topHits;
            dp.AllReduceSum(all);
            for (int a = 0; a < classes; a++)
            {
                for (int p = 0; p < classes; p++)
                {
                    confusion[a, p] = (long)all[(a * classes) + p];
                }
            }

            (lossSum, topHits) = (all[^2], (long)all[^1]);
        }

        return new ClassificationMetrics(classNames, confusion, lossSum, topHits, k, clock.Elapsed);
    }

    /// <summary>Adds each example to the confusion matrix; returns how many labels are among the k highest scores.</summary>
    private static long Tally(Tensor logits, int[] labels, long[,] confusion, int k)
    {
        if (logits.Rank != 2 || logits.Shape[0] != labels.Length || logits.Shape[1] != confusion.GetLength(0))
        {
            throw new InvalidOperationException($"Learner: the model gave logits of shape {logits.Shape} for {labels.Length} examples of {confusion.GetLength(0)} classes.");
        }

        int c = logits.Shape[1];
        var s = logits.AsReadOnlySpan();
        long hits = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = s.Slice(i * c, c);
            int best = 0, above = 0;
            float own = row[labels[i]];
            for (int j = 0; j < c; j++)
            {
                if (row[j] > row[best])
                {
                    best = j;
                }

                above += row[j] > own ? 1 : 0;
            }

            confusion[labels[i], best]++;
            hits += above < k ? 1 : 0;
        }

        return hits;
    }
}
