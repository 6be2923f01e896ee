using System.Security.Cryptography;
using Frost.Adapters;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;
using Frost.TestKit;

namespace Frost.Tests.Adapters;

public sealed class LoraTests
{
    /// <summary>A small stand-in for a pretrained network: two Dense layers, a layer norm and a head.</summary>
    internal static Sequential Base(ulong seed = 1)
    {
        var rng = new Rng(seed);
        return new Sequential(
            new Dense(6, 12, rng, name: "fc1"),
            new Relu(),
            new Dense(12, 12, rng, name: "fc2"),
            new LayerNorm(12, name: "norm"),
            new Dense(12, 3, rng, name: "head"));
    }

    internal static (Tensor X, int[] Y) Data(int n = 32)
    {
        var rng = new Rng(7);
        var x = Tensor.Normal(new Shape(n, 6), 0, 1, rng);
        var y = Enumerable.Range(0, n).Select(i => x.AsReadOnlySpan()[i * 6] > 0 ? (x.AsReadOnlySpan()[(i * 6) + 1] > 0 ? 0 : 1) : 2).ToArray();
        return (x, y);
    }

    internal static string BaseHash(Layer model)
        => Convert.ToHexStringLower(SHA256.HashData(model.Variables.Where(v => v.Owner is not LoraAdapter && v.Name != "head/weight" && v.Name != "head/bias")
            .SelectMany(v => v.Value.ToArray().SelectMany(BitConverter.GetBytes)).ToArray()));

    private static void RandomizeB(Layer model, ulong seed = 3)
    {
        var rng = new Rng(seed);
        foreach (var a in Lora.Adapters(model))
        {
            rng.FillNormal(a.B.Value.AsSpan(), 0, 0.5f);
        }
    }

    [Fact]
    public void Dense_adapter_passes_the_layer_harness_with_gradients_for_input_a_and_b()
    {
        LayerHarness.Check(new LayerSpec(
            seed =>
            {
                var dense = new Dense(6, 5, new Rng(seed));
                Lora.Inject(dense, Selector.All, rank: 2, alpha: 4, rng: new Rng(seed + 1));
                RandomizeB(dense, seed);
                return dense;
            },
            [3, 6], [3, 5], Trainable: (2 * 6) + (5 * 2), NonTrainable: (6 * 5) + 5));
    }

    [Fact]
    public void Conv2d_adapter_passes_the_layer_harness_with_gradients_for_input_a_and_b()
    {
        LayerHarness.Check(new LayerSpec(
            seed =>
            {
                var conv = new Frost.Layers.Conv2D(3, 4, 3, new Rng(seed), stride: 2, padding: 1);
                Lora.Inject(conv, Selector.All, rank: 2, alpha: 3, rng: new Rng(seed + 1));
                RandomizeB(conv, seed);
                return conv;
            },
            [2, 3, 5, 5], [2, 4, 3, 3], Trainable: (2 * 3 * 9) + (4 * 2), NonTrainable: (4 * 3 * 9) + 4));
    }

    [Fact]
    public void Adapter_computes_the_layer_with_weight_w_plus_scaled_b_times_a()
    {
        var dense = new Dense(5, 4, new Rng(1));
        var lora = Lora.Inject(dense, Selector.All, rank: 3, alpha: 6);
        RandomizeB(dense);
        var a = lora.Adapters[0];
        Assert.Equal(2f, a.Scale);
        var x = Tensor.Normal(new Shape(7, 5), 0, 1, new Rng(2));

        // Reference in double: x·(W + 2·B·A)ᵀ + b.
        double[] w = dense.Weight.Value.ToArray().Select(v => (double)v).ToArray();
        var av = a.A.Value.ToArray();
        var bv = a.B.Value.ToArray();
        for (int o = 0; o < 4; o++)
        {
            for (int i = 0; i < 5; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    w[(o * 5) + i] += 2.0 * bv[(o * 3) + j] * av[(j * 5) + i];
                }
            }
        }

        var y = dense.Call(x).ToArray();
        var xs = x.ToArray();
        var bias = dense.Bias!.Value.ToArray();
        for (int n = 0; n < 7; n++)
        {
            for (int o = 0; o < 4; o++)
            {
                double r = bias[o];
                for (int i = 0; i < 5; i++)
                {
                    r += xs[(n * 5) + i] * w[(o * 5) + i];
                }

                Assert.Equal(r, y[(n * 4) + o], 4);
            }
        }
    }

    [Fact]
    public void A_fresh_adapter_changes_nothing_and_starts_kaiming_uniform_with_b_zero()
    {
        var model = Base();
        var x = Data().X;
        var before = model.Call(x).ToArray();
        var lora = Lora.Inject(model, Selector.Glob("fc*/weight"), rank: 4, alpha: 8);
        Assert.Equal(before, model.Call(x).ToArray());
        foreach (var a in lora.Adapters)
        {
            Assert.True(a.IsInert);
            float bound = 1f / MathF.Sqrt(a.A.Shape[1]);
            Assert.All(a.A.Value.ToArray(), v => Assert.InRange(v, -bound, bound));
            Assert.Contains(a.A.Value.ToArray(), v => MathF.Abs(v) > bound / 2);
        }
    }

    [Fact]
    public void Inject_freezes_the_base_in_the_same_call_and_reports_base_and_adapter_parameters()
    {
        var model = Base();
        var adam = new Adam(1e-2f);
        var lora = Lora.Inject(model, Selector.Glob("fc1/**") | Selector.Glob("fc2/**"), rank: 2, alpha: 4, keepTrainable: Selector.Glob("head/**"), optimizer: adam);

        Assert.Equal(["fc1", "fc2"], lora.Recipe.Layers);
        Assert.Equal(["fc1/lora/a", "fc1/lora/b", "fc2/lora/a", "fc2/lora/b", "head/weight", "head/bias"], model.TrainableVariables.Select(v => v.Name));
        long adapters = (2 * 6) + (12 * 2) + (2 * 12) + (12 * 2);
        Assert.Equal(adapters, lora.AdapterParameters);
        Assert.Equal(adapters, lora.Report.AdapterParameters);
        Assert.Equal(39, lora.KeptParameters);
        Assert.Equal(adapters + 39, lora.Report.TrainableParameters);
        Assert.Equal(2 * 4 * (adapters + 39), lora.Report.OptimizerStateBytes); // Adam: two buffers per trainable element
        Assert.Contains("adapters: 84, base:", lora.Report.FormatTotals(), StringComparison.Ordinal);
        string text = lora.ToString();
        Assert.Contains("trainable params: 123 || all params: ", text, StringComparison.Ordinal);
        Assert.Contains("on 2 layers (2 Dense)", text, StringComparison.Ordinal);
        Assert.Contains("optimizer state (Adam)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_moves_only_adapters_and_kept_variables_and_keeps_the_base_bit_identical()
    {
        var model = Base();
        var (x, y) = Data();
        string baseBefore = BaseHash(model);
        var adam = new AdamW(1e-2f, weightDecay: 0.1f);
        var lora = Lora.Inject(model, Selector.Glob("fc*/**"), rank: 2, alpha: 4, dropout: 0.1f, keepTrainable: Selector.Glob("head/**"), optimizer: adam);
        Assert.Equal(["fc1", "fc2"], lora.VerifyFrozen().InertAdapters);

        for (int step = 0; step < 20; step++)
        {
            adam.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        }

        Assert.Equal(baseBefore, BaseHash(model));
        var check = lora.VerifyFrozen();
        check.ThrowIfViolated();
        Assert.Empty(check.InertAdapters);
        Assert.Empty(check.NeverChanged);

        // Optimizer state exists for the adapters and the head only.
        Assert.Equal(
            ["fc1/lora/a", "fc1/lora/b", "fc2/lora/a", "fc2/lora/b", "head/bias", "head/weight"],
            adam.State.Keys.Select(v => v.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void VerifyFrozen_flags_an_adapter_whose_b_stayed_zero()
    {
        var model = Base();
        var (x, y) = Data();
        var sgd = new Sgd(0.1f);
        var lora = Lora.Inject(model, Selector.Glob("fc2/weight"), rank: 2, alpha: 4, optimizer: sgd);
        sgd.AddGroup([.. Lora.Adapters(model)[0].Variables], learningRate: 0f, name: "stuck");
        for (int step = 0; step < 3; step++)
        {
            sgd.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        }

        var check = lora.VerifyFrozen();
        Assert.Equal(["fc2"], check.InertAdapters);
        Assert.Contains("LoRA adapters still zero (B = 0): fc2", check.ToString(), StringComparison.Ordinal);
        Assert.Equal(["fc2"], FrozenVerification.Check(model).InertAdapters);
    }

    [Fact]
    public void A_selector_that_matches_nothing_is_an_error_naming_the_closest_names()
    {
        var model = Base();
        var e = Assert.Throws<SelectorMatchException>(() => Lora.Inject(model, Selector.Glob("fc3/**"), rank: 2, alpha: 2));
        Assert.Contains("Closest names", e.Message, StringComparison.Ordinal);
        Assert.Empty(Lora.Adapters(model));
        Assert.True(model.Trainable);
    }

    [Fact]
    public void A_selected_layer_that_cannot_take_an_adapter_is_an_error_naming_it_and_nothing_changes()
    {
        var model = Base();
        var e = Assert.Throws<InvalidOperationException>(() => Lora.Inject(model, Selector.Glob("fc2/**") | Selector.Glob("norm/**"), rank: 2, alpha: 2));
        Assert.Contains("LayerNorm 'norm'", e.Message, StringComparison.Ordinal);
        Assert.Empty(Lora.Adapters(model));
        Assert.True(model.Trainable);

        var grouped = new Sequential(new Frost.Layers.Conv2D(4, 4, 3, new Rng(1), groups: 2, name: "dw"));
        Assert.Matches("Conv2D 'dw' .*is grouped", Assert.Throws<InvalidOperationException>(() => Lora.Inject(grouped, Selector.All, 2, 2)).Message);

        Lora.Inject(model, Selector.Glob("fc2/**"), rank: 2, alpha: 2);
        Assert.Contains("already has LoRA adapters", Assert.Throws<InvalidOperationException>(() => Lora.Inject(model, Selector.Glob("fc1/**"), 2, 2)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Lora.Inject(Base(), Selector.Glob("fc1/**"), 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Lora.Inject(Base(), Selector.Glob("fc1/**"), 2, 2, dropout: 1f));
    }

    [Fact]
    public void Merge_gives_the_same_outputs_and_unmerge_restores_the_base_bit_for_bit()
    {
        var model = Base();
        var (x, _) = Data();
        Lora.Inject(model, Selector.Glob("fc*/**"), rank: 3, alpha: 5, keepTrainable: Selector.Glob("head/**"));
        RandomizeB(model);
        model.Training = false;
        var weights = model["fc1"].Variables[0].Value.ToArray();
        var unmerged = model.Call(x).ToArray();

        Assert.Equal(2, Lora.Merge(model));
        Assert.All(Lora.Adapters(model), a => Assert.True(a.Merged));
        AssertClose.Equal(unmerged, model.Call(x).ToArray(), 1e-5);
        Assert.NotEqual(weights, model["fc1"].Variables[0].Value.ToArray());
        FrozenVerification.Check(model).ThrowIfViolated();   // a merge is a deliberate change, fingerprinted again

        Assert.Equal(2, Lora.Unmerge(model));
        Assert.Equal(weights, model["fc1"].Variables[0].Value.ToArray());
        Assert.Equal(unmerged, model.Call(x).ToArray());

        // Without a kept copy, unmerging subtracts the update again: equal within float rounding.
        Lora.Merge(model, keepWeights: false);
        Lora.Unmerge(model);
        AssertClose.Equal(weights, model["fc1"].Variables[0].Value.ToArray(), 1e-6);
    }

    [Fact]
    public void A_convolution_with_an_adapter_is_not_fused_with_its_batch_norm_and_merging_restores_fusion_exactly()
    {
        var rng = new Rng(4);
        var model = new Sequential(new Frost.Layers.Conv2D(3, 6, 3, rng, padding: 1, name: "conv"), new BatchNorm2D(6, name: "bn"), new Relu());
        var bn = (BatchNorm2D)model["bn"];
        rng.FillNormal(bn.RunningMean.Value.AsSpan(), 0, 0.3f);
        rng.FillUniform(bn.RunningVar.Value.AsSpan(), 0.5f, 2f);
        Lora.Inject(model, Selector.Glob("conv/**"), rank: 2, alpha: 2);
        RandomizeB(model);
        model.Training = false;
        var x = Tensor.Normal(new Shape(2, 3, 5, 5), 0, 1, rng);
        var withAdapter = model.Call(x).ToArray();
        Lora.Merge(model);
        var merged = model.Call(x).ToArray();    // a plain convolution again: fused conv + BN + ReLU
        AssertClose.Equal(withAdapter, merged, 1e-4);
        Assert.Contains(withAdapter, v => v > 0);
    }

    [Fact]
    public void A_recipe_round_trips_through_json_and_injects_the_same_adapters()
    {
        var model = Base();
        var lora = Lora.Inject(model, Selector.Glob("fc*/weight"), rank: 3, alpha: 1.5f, dropout: 0.25f, keepTrainable: Selector.Glob("head/**"));
        var recipe = LoraRecipe.FromJson(lora.Recipe.ToJson());
        Assert.True(recipe.SameAdapters(lora.Recipe));

        var other = Base();
        var again = Lora.Inject(other, recipe);
        Assert.Equal(model.Variables.Select(v => (v.Name, v.Shape, v.Trainable)), other.Variables.Select(v => (v.Name, v.Shape, v.Trainable)));
        Assert.Equal(0.25f, again.Adapters[0].Dropout);

        Assert.Throws<FormatException>(() => LoraRecipe.FromJson("{\"targets\":\"x\"}"));
        Assert.Throws<FormatException>(() => LoraRecipe.FromJson(lora.Recipe.ToJson().Replace("\"rank\":3", "\"rank\":0", StringComparison.Ordinal)));
        Assert.Equal(2, Lora.Remove(other));
        Assert.Empty(Lora.Adapters(other));
        Assert.Equal(["fc1/weight", "fc1/bias", "fc2/weight", "fc2/bias", "norm/weight", "norm/bias", "head/weight", "head/bias"], other.Variables.Select(v => v.Name));
    }
}
