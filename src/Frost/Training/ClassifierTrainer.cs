using System.Diagnostics;
using Frost.Data;
using Frost.Optimizers;

namespace Frost.Training;

/// <summary>Mini-batch training and evaluation of an image classifier with cross-entropy loss.</summary>
public sealed class ClassifierTrainer
{
    private readonly Func<Tensor, bool, Tensor> _forward;
    private readonly IReadOnlyList<Variable>? _varList;

    /// <summary>Creates a trainer.</summary>
    /// <param name="forward">Maps an image batch [N, C, H, W] to logits [N, classes]; the flag is true while training.</param>
    /// <param name="optimizer">Updates the variables.</param>
    /// <param name="varList">Variables to train; null trains every trainable variable the loss depends on.</param>
    public ClassifierTrainer(Func<Tensor, bool, Tensor> forward, Optimizer optimizer, IReadOnlyList<Variable>? varList = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(optimizer);
        _forward = forward;
        Optimizer = optimizer;
        _varList = varList;
    }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Training batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Shuffles the training order each epoch.</summary>
    public Rng Rng { get; init; } = new(0);

    /// <summary>Runs one epoch; <paramref name="onBatch"/> gets (batch index, batch count, batch loss).</summary>
    public EpochResult TrainEpoch(LabeledImages data, int epoch, LabeledImages? test = null, Action<int, int, float>? onBatch = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sw = Stopwatch.StartNew();
        int batches = Batches.Count(data.Count, BatchSize);
        double lossSum = 0;
        int correct = 0, seen = 0, b = 0;
        foreach (var ix in Batches.Indices(data.Count, BatchSize, Rng))
        {
            var labels = ix.Select(i => data.Labels[i]).ToArray();
            using var tape = new GradientTape();
            var x = Ops.Gather(data.Images, 0, ix);
            var logits = _forward(x, true);
            var loss = Ops.CrossEntropy(logits, labels);
            Optimizer.Minimize(loss, _varList);
            float l = loss.Item();
            lossSum += l * ix.Length;
            correct += CountCorrect(logits, labels);
            seen += ix.Length;
            onBatch?.Invoke(b++, batches, l);
        }

        float? testAcc = test is null ? null : Evaluate(test);
        return new EpochResult(epoch, (float)(lossSum / seen), (float)correct / seen, testAcc, sw.Elapsed);
    }

    /// <summary>Fraction of <paramref name="data"/> classified correctly (inference mode, nothing recorded).</summary>
    public float Evaluate(LabeledImages data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        int correct = 0;
        using var noRecord = GradientTape.NoRecording();
        foreach (var ix in Batches.Indices(data.Count, batchSize))
        {
            using var scope = new TensorScope();
            var logits = _forward(Ops.Gather(data.Images, 0, ix), false);
            correct += CountCorrect(logits, ix.Select(i => data.Labels[i]).ToArray());
        }

        return data.Count == 0 ? 0f : (float)correct / data.Count;
    }

    private static int CountCorrect(Tensor logits, int[] labels)
    {
        var pred = Ops.ArgMax(logits);
        int c = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            c += pred[i] == labels[i] ? 1 : 0;
        }

        return c;
    }
}
