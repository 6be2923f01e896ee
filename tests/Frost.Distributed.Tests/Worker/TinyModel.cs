using Frost.Optimizers;

namespace Frost.Distributed.Tests.Worker;

/// <summary>
/// A two-layer classifier on a fixed synthetic dataset, with a frozen first kernel and a second kernel whose
/// rows 0 and 3 are frozen by a mask: enough to show what data-parallel steps must and must not change.
/// </summary>
internal sealed class TinyModel
{
    public const int Samples = 48, Features = 8, Hidden = 16, Classes = 4;

    private static readonly float[] Inputs = MakeInputs();
    private static readonly int[] Labels = MakeLabels();

    public TinyModel(ulong seed)
    {
        var rng = new Rng(seed);
        W1 = new Variable("dense1/kernel", Tensor.Normal(new Shape(Features, Hidden), 0f, 0.5f, new Rng(99)), trainable: false);
        B1 = new Variable("dense1/bias", Tensor.Normal(new Shape(Hidden), 0f, 0.1f, rng));
        // Rows 0 and 3 are "pretrained": the same for every seed, and frozen by a mask.
        var w2 = Tensor.Normal(new Shape(Hidden, Classes), 0f, 0.5f, rng).ToArray();
        var pretrained = Tensor.Normal(new Shape(2, Classes), 0f, 0.5f, new Rng(77)).ToArray();
        pretrained.AsSpan(0, Classes).CopyTo(w2.AsSpan(0));
        pretrained.AsSpan(Classes, Classes).CopyTo(w2.AsSpan(3 * Classes));
        W2 = new Variable("dense2/kernel", Tensor.FromArray(w2, Hidden, Classes));
        W2.FreezeRows(0, 3);
        B2 = new Variable("dense2/bias", Tensor.Zeros(Classes));
    }

    public Variable W1 { get; }

    public Variable B1 { get; }

    public Variable W2 { get; }

    public Variable B2 { get; }

    public Variable[] All => [W1, B1, W2, B2];

    /// <summary>The trainable variables in the order a backward pass reaches them (last layer first).</summary>
    public Variable[] BackwardOrder => [B2, W2, B1];

    /// <summary>Mean cross-entropy over the samples <paramref name="indices"/> (recorded on the open tape).</summary>
    public Tensor Loss(ReadOnlySpan<int> indices)
    {
        var x = new float[indices.Length * Features];
        var y = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Inputs.AsSpan(indices[i] * Features, Features).CopyTo(x.AsSpan(i * Features));
            y[i] = Labels[indices[i]];
        }

        var h = Ops.Tanh(Ops.Add(Ops.MatMul(Tensor.FromArray(x, indices.Length, Features), W1), B1));
        return Ops.CrossEntropy(Ops.Add(Ops.MatMul(h, W2), B2), y);
    }

    /// <summary>
    /// Trains <paramref name="steps"/> steps of batch <paramref name="batch"/> per rank with momentum SGD,
    /// averaging gradients with <paramref name="reducer"/>; each rank visits its shard of every epoch.
    /// </summary>
    public void Train(Communicator communicator, GradientBucketReducer reducer, int batch, int steps, ulong seed)
    {
        var sgd = new Sgd(0.2f, momentum: 0.9f);
        int perEpoch = Sharding.ShardLength(Samples, communicator.Size) / batch;
        for (int step = 0; step < steps; step++)
        {
            int epoch = step / perEpoch, k = step % perEpoch;
            var order = Sharding.ShardedOrder(Samples, communicator.Rank, communicator.Size, seed, epoch);
            using var tape = new GradientTape();
            var grads = sgd.ComputeGradients(Loss(order.AsSpan(k * batch, batch)), BackwardOrder);
            foreach (var v in BackwardOrder)
            {
                reducer.Add(v, grads[v]);
            }

            reducer.Complete();
            sgd.ApplyGradients(grads);
        }
    }

    private static float[] MakeInputs()
    {
        var rng = new Rng(2024);
        var x = new float[Samples * Features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextNormal();
        }

        return x;
    }

    private static int[] MakeLabels()
    {
        var rng = new Rng(7);
        return [.. Enumerable.Range(0, Samples).Select(_ => rng.NextInt(Classes))];
    }
}
