using Frost.Data;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;
using Frost.TestKit;
using Frost.Training;

namespace Frost.Tests.Training;

public sealed class TextCacheTests
{
    private static readonly BertConfig Tiny = new(VocabularySize: 40, Hidden: 8, Layers: 3, Heads: 2, FeedForward: 16, MaxPositions: 16);

    /// <summary>Sequences of 2..9 ids padded per batch; class 1 when id 7 occurs.</summary>
    private sealed class Sequences : IVariableLengthDataset
    {
        private readonly int[][] _ids;
        private readonly int[] _labels;

        public Sequences(int count, ulong seed)
        {
            var rng = new Rng(seed);
            _ids = new int[count][];
            _labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                _ids[i] = [.. Enumerable.Range(0, 2 + rng.NextInt(8)).Select(_ => 1 + rng.NextInt(Tiny.VocabularySize - 1))];
                _labels[i] = _ids[i].Contains(7) ? 1 : 0;
            }
        }

        public int Count => _ids.Length;

        public IReadOnlyList<string> ClassNames { get; } = ["other", "seven"];

        public bool AugmentsTraining => false;

        public int LabelOf(int index) => _labels[index];

        public int LengthOf(int index) => _ids[index].Length;

        public IEnumerable<DataBatch> Read(IReadOnlyList<int[]> batches, bool training, int epoch)
        {
            foreach (var ix in batches)
            {
                int t = ix.Max(i => _ids[i].Length);
                var ids = Tensor.Zeros(ix.Length, t);
                var mask = Tensor.Zeros(ix.Length, t);
                for (int r = 0; r < ix.Length; r++)
                {
                    for (int j = 0; j < _ids[ix[r]].Length; j++)
                    {
                        ids.AsSpan()[(r * t) + j] = _ids[ix[r]][j];
                        mask.AsSpan()[(r * t) + j] = 1;
                    }
                }

                yield return new DataBatch([ids, mask], [.. ix.Select(i => _labels[i])], ix);
            }
        }
    }

    private static (BertClassifier Model, Learner Learner) Setup(bool cache, long budget = 1L << 30)
    {
        var model = new BertClassifier(Tiny, 2, new Rng(3));
        var optimizer = new AdamW(3e-3f);
        new FreezePlan(model).TrainOnly(Selector.Glob("layer2/**") | Selector.Glob("head/**")).Apply(optimizer);
        var learner = new Learner(model, new Sequences(40, 4), optimizer, new Sequences(12, 5)) { BatchSize = 8, CacheFrozenPrefix = cache, CacheMemoryBudget = budget, Seed = 6 };
        return (model, learner);
    }

    [Fact]
    public void The_cache_of_a_frozen_encoder_prefix_trains_like_no_cache_for_variable_length_texts()
    {
        var (plain, plainLearner) = Setup(cache: false);
        var (cached, cachedLearner) = Setup(cache: true);
        var (mapped, mappedLearner) = Setup(cache: true, budget: 0);
        Assert.Equal(["embeddings", "layer0", "layer1"], cachedLearner.DescribeCache().Layers);
        var a = plainLearner.Fit(2);
        var b = cachedLearner.Fit(2);
        var c = mappedLearner.Fit(2);
        Assert.True(b.Frozen.FrozenIntact);
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(a.Epochs[e].TrainLoss, b.Epochs[e].TrainLoss, 4);
            Assert.Equal(a.Epochs[e].Validation!.Loss, b.Epochs[e].Validation!.Loss, 4);
            Assert.Equal(a.Epochs[e].TrainLoss, c.Epochs[e].TrainLoss, 4);
        }

        var expected = plain.Variables.Select(v => v.Value.ToArray()).ToList();
        foreach (var other in new[] { cached, mapped })
        {
            var got = other.Variables.Select(v => v.Value.ToArray()).ToList();
            for (int i = 0; i < expected.Count; i++)
            {
                AssertClose.Equal(expected[i], got[i], atol: 1e-5, rtol: 1e-4);
            }
        }
    }

    [Fact]
    public void An_example_s_logits_do_not_depend_on_the_batch_it_is_padded_in()
    {
        var model = new BertClassifier(Tiny, 2, new Rng(7));
        var data = new Sequences(6, 8);
        using var noRecording = GradientTape.NoRecording();
        var alone = data.Read([[2]], false, 0).Single();
        var padded = data.Read([[0, 1, 2, 3, 4, 5]], false, 0).Single();
        var one = model.Call([.. alone.Inputs]).ToArray();
        var all = model.Call([.. padded.Inputs]).ToArray();
        AssertClose.Equal(one, all.AsSpan(4, 2).ToArray(), atol: 1e-6, rtol: 1e-5);
    }
}
