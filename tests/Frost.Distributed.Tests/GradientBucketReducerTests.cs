using Frost.Optimizers;

namespace Frost.Distributed.Tests;

public class GradientBucketReducerTests
{
    private static readonly Communicator Local = Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Local });

    private static Variable Var(string name, int size) => new(name, Tensor.Zeros(size));

    private static Tensor Grad(int size, float start) => Tensor.Arange(start, start + size);

    [Fact]
    public void On_one_rank_gradients_come_back_unchanged_and_statistics_count_what_was_sent()
    {
        using var reducer = new GradientBucketReducer(Local);
        var a = Var("a", 5);
        var b = Var("b", 3);
        var ga = Grad(5, 1);
        var gb = Grad(3, 10);
        reducer.Add(a, ga);
        reducer.Add(b, gb);
        Assert.Equal(2, reducer.Pending);
        var stats = reducer.Complete();
        Assert.Equal([1f, 2, 3, 4, 5], ga.ToArray());
        Assert.Equal([10f, 11, 12], gb.ToArray());
        Assert.Equal(new ReductionStatistics(2, 8, 1, stats.Wait), stats);
        Assert.Equal(32, stats.Bytes);
        Assert.Equal(stats, reducer.LastStep);
        Assert.Equal(1, reducer.Steps);
        Assert.Equal(0, reducer.Pending);
    }

    [Fact]
    public void Frozen_elements_of_a_masked_variable_are_not_sent_and_their_gradient_is_zeroed()
    {
        using var reducer = new GradientBucketReducer(Local);
        var embedding = new Variable("embedding", Tensor.Zeros(4, 3));
        embedding.FreezeRows(0, 2);
        var g = Tensor.FromArray(Grad(12, 1).ToArray(), 4, 3);
        reducer.Add(embedding, g);
        Assert.Equal(6, reducer.Complete().Elements);
        Assert.Equal([0f, 0, 0, 4, 5, 6, 0, 0, 0, 10, 11, 12], g.ToArray());

        // A new mask is picked up at the next step.
        embedding.SetFreezeMask(null);
        var full = Tensor.FromArray(Grad(12, 1).ToArray(), 4, 3);
        reducer.Add(embedding, full);
        Assert.Equal(12, reducer.Complete().Elements);
        Assert.Equal(Grad(12, 1).ToArray(), full.ToArray());
    }

    [Fact]
    public void A_fully_masked_variable_sends_nothing()
    {
        using var reducer = new GradientBucketReducer(Local);
        var v = new Variable("v", Tensor.Zeros(2));
        v.FreezeRows(0, 1);
        var g = Grad(2, 3);
        reducer.Add(v, g);
        var stats = reducer.Complete();
        Assert.Equal(0, stats.Elements);
        Assert.Equal(0, stats.Buckets);
        Assert.Equal([0f, 0f], g.ToArray());
    }

    [Theory]
    [InlineData(new[] { 3, 3, 3 }, 6, 2)]       // [3 3] is full and leaves at once; [3]
    [InlineData(new[] { 4, 3, 2 }, 6, 2)]       // [4] (3 does not fit); [3 2]
    [InlineData(new[] { 2, 10, 2 }, 6, 3)]      // [2]; [10] alone, larger than a bucket; [2]
    [InlineData(new[] { 1, 1, 1, 1 }, 1000, 1)] // everything in one bucket
    [InlineData(new[] { 5 }, 1, 1)]             // a one-element bucket size still takes a variable whole
    public void Gradients_are_packed_in_arrival_order_without_splitting_a_variable(int[] sizes, int bucketElements, int buckets)
    {
        using var reducer = new GradientBucketReducer(Local, bucketBytes: bucketElements * sizeof(float));
        var vars = sizes.Select((s, i) => Var("v" + i, s)).ToArray();
        for (int step = 0; step < 3; step++)
        {
            // The first step lays the buckets out; the later ones follow that layout.
            var grads = sizes.Select((s, i) => Grad(s, 100 * i)).ToArray();
            for (int i = 0; i < sizes.Length; i++)
            {
                reducer.Add(vars[i], grads[i]);
            }

            var stats = reducer.Complete();
            Assert.Equal(buckets, stats.Buckets);
            Assert.Equal(sizes.Sum(), stats.Elements);
            for (int i = 0; i < sizes.Length; i++)
            {
                Assert.Equal(Grad(sizes[i], 100 * i).ToArray(), grads[i].ToArray());
            }
        }
    }

    [Fact]
    public void The_layout_of_the_last_step_is_reused_and_a_changed_order_is_laid_out_again()
    {
        using var reducer = new GradientBucketReducer(Local, bucketBytes: 6 * sizeof(float));
        Variable a = Var("a", 4), b = Var("b", 3), c = Var("c", 2);
        void Step(params Variable[] order)
        {
            foreach (var v in order)
            {
                reducer.Add(v, Grad(v.Shape.Size, 1));
            }
        }

        Step(a, b, c);
        Assert.Equal(2, reducer.Complete().Buckets); // [a] [b c]
        Step(a, b, c);
        Assert.Equal(2, reducer.Complete().Buckets);
        Step(c, b, a);
        Assert.Equal(2, reducer.Complete().Buckets); // [c b] [a]
        Step(c, a);
        Assert.Equal(1, reducer.Complete().Buckets); // [c a]: 2 + 4 fill one bucket exactly
        Step(c, b, a);
        Assert.Equal(2, reducer.Complete().Buckets);
    }

    [Fact]
    public void An_empty_step_sends_nothing()
    {
        using var reducer = new GradientBucketReducer(Local);
        var stats = reducer.Complete();
        Assert.Equal(new ReductionStatistics(0, 0, 0, stats.Wait), stats);
        Assert.Equal(1, reducer.Steps);
    }

    [Fact]
    public void A_frozen_variable_never_arrives_and_is_refused_when_it_does()
    {
        using var reducer = new GradientBucketReducer(Local);
        var frozen = new Variable("stem/kernel", Tensor.Zeros(2), trainable: false);
        var e = Assert.Throws<FrozenVariableException>(() => reducer.Add(frozen, Grad(2, 0)));
        Assert.Contains("'stem/kernel' is frozen", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, reducer.Pending);
    }

    [Fact]
    public void Wrong_shapes_repeats_and_variable_values_are_refused_naming_the_variable()
    {
        using var reducer = new GradientBucketReducer(Local);
        var a = Var("head/bias", 3);
        var other = Var("head/kernel", 3);
        var e = Assert.Throws<ArgumentException>(() => reducer.Add(a, Grad(4, 0)));
        Assert.Contains("gradient of shape [4] for variable 'head/bias' of shape [3]", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => reducer.Add(a, other.Value));
        Assert.Contains("is the value of variable 'head/kernel'", e.Message, StringComparison.Ordinal);
        reducer.Add(a, Grad(3, 0));
        e = Assert.Throws<ArgumentException>(() => reducer.Add(a, Grad(3, 0)));
        Assert.Contains("'head/bias' was already added this step", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientBucketReducer(Local, bucketBytes: 3));
    }

    [Fact]
    public void A_gradient_released_with_its_tape_before_Complete_is_an_error_naming_the_variable()
    {
        using var reducer = new GradientBucketReducer(Local);
        var w = new Variable("w", Tensor.FromArray(1f, 2f));
        using (var tape = new GradientTape())
        {
            var grads = new Sgd(0.1f).ComputeGradients(Ops.Sum(Ops.Mul(w.Value, w.Value)));
            reducer.Add(w, grads[w]);
        }

        var e = Assert.Throws<InvalidOperationException>(() => reducer.Complete());
        Assert.Contains("gradient of 'w' was released before Complete", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, reducer.Pending);
    }

    [Fact]
    public void With_a_tape_gradients_reduced_on_one_rank_train_exactly_like_no_reducer()
    {
        var withReducer = new Worker.TinyModel(seed: 4);
        var without = new Worker.TinyModel(seed: 4);
        using var reducer = new GradientBucketReducer(Local, bucketBytes: 64);
        withReducer.Train(Local, reducer, batch: 8, steps: 12, seed: 3);
        var sgd = new Sgd(0.2f, momentum: 0.9f);
        for (int step = 0; step < 12; step++)
        {
            var order = Sharding.ShardedOrder(Worker.TinyModel.Samples, 0, 1, 3, step / 6);
            using var tape = new GradientTape();
            sgd.ApplyGradients(sgd.ComputeGradients(without.Loss(order.AsSpan(step % 6 * 8, 8)), without.BackwardOrder));
        }

        for (int i = 0; i < without.All.Length; i++)
        {
            Assert.Equal(without.All[i].Value.ToArray(), withReducer.All[i].Value.ToArray());
        }
    }

    [Fact]
    public void A_disposed_reducer_refuses_work()
    {
        var reducer = new GradientBucketReducer(Local);
        reducer.Dispose();
        reducer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reducer.Add(Var("a", 1), Grad(1, 0)));
        Assert.Throws<ObjectDisposedException>(() => reducer.Complete());
    }
}
