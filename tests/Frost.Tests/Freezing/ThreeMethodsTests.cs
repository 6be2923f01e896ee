using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Freezing;

/// <summary>
/// The three TensorFlow freezing methods, written the TensorFlow way in Frost, with each trap shown failing
/// loudly or not happening.
/// </summary>
public class ThreeMethodsTests
{
    private static (Variable W1, Variable W2, Tensor X, int[] Y) TwoLayer(bool firstTrainable)
    {
        var rng = new Rng(3);
        var root = new VariableScope();
        var w1 = root.Scope("layer1").Variable("kernel", Tensor.Normal(new Shape(4, 5), 0, 1, rng), trainable: firstTrainable);
        var w2 = root.Scope("layer2").Variable("kernel", Tensor.Normal(new Shape(5, 3), 0, 1, rng));
        return (w1, w2, Tensor.Normal(new Shape(6, 4), 0, 1, rng), [0, 1, 2, 0, 1, 2]);
    }

    private static Tensor Loss(Variable w1, Variable w2, Tensor x, int[] y)
        => Ops.CrossEntropy(Ops.MatMul(Ops.Tanh(Ops.MatMul(x, w1)), w2), y);

    [Fact]
    public void Method1_trainable_false_is_skipped_by_the_default_list()
    {
        var (w1, w2, x, y) = TwoLayer(firstTrainable: false);
        var before = w1.Value.ToArray();
        var opt = new Adam(0.1f);
        using var tape = new GradientTape();
        var grads = opt.ComputeGradients(Loss(w1, w2, x, y));
        Assert.Equal([w2], grads.Keys);
        opt.ApplyGradients(grads);
        Assert.Equal(before, w1.Value.ToArray());
        Assert.DoesNotContain(w1, tape.VariablesWithGradients);
    }

    [Fact]
    public void Method1_trap_explicit_list_with_a_frozen_variable_throws_naming_it()
    {
        var (w1, w2, x, y) = TwoLayer(firstTrainable: false);
        var before = w1.Value.ToArray();
        using var tape = new GradientTape();
        var loss = Loss(w1, w2, x, y);
        var ex = Assert.Throws<FrozenVariableException>(() => new Sgd(0.1f).Minimize(loss, [w1, w2]));
        Assert.Same(w1, ex.Variable);
        Assert.Contains("'layer1/kernel' is frozen", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, w1.Value.ToArray());

        // Applying hand-made gradients to it is refused too.
        Assert.Throws<FrozenVariableException>(() => new Sgd(0.1f).ApplyGradients(new Gradients { { w1, Tensor.Ones(4, 5) } }));
        Assert.Equal(before, w1.Value.ToArray());
    }

    [Fact]
    public void Method1_skip_policy_leaves_frozen_variables_out_with_a_warning()
    {
        var (w1, w2, x, y) = TwoLayer(firstTrainable: false);
        var before = w1.Value.ToArray();
        var warnings = new List<string>();
        var opt = new Sgd(0.1f) { FrozenVariablePolicy = FrozenVariablePolicy.Skip, Warning = warnings.Add };
        using var tape = new GradientTape();
        var grads = opt.Minimize(Loss(w1, w2, x, y), [w1, w2]);
        Assert.Equal([w2], grads.Keys);
        Assert.Contains(warnings, w => w.Contains("layer1/kernel", StringComparison.Ordinal));
        Assert.Equal(before, w1.Value.ToArray());
    }

    [Fact]
    public void Method1_trap_high_level_and_recurrent_layers_expose_freezing()
    {
        var rng = new Rng(1);
        var lstm = new Lstm(3, 4, rng);
        var gru = new Gru(3, 4, rng);
        lstm.Trainable = false;
        gru.Freeze();
        Assert.All(lstm.Variables, v => Assert.False(v.Trainable));
        Assert.All(gru.Variables, v => Assert.False(v.Trainable));
        Assert.Empty(lstm.TrainableVariables);
        gru.Unfreeze();
        Assert.Equal(4, gru.TrainableVariables.Count);
    }

    [Fact]
    public void Method2_StopGradient_blocks_flow_and_changes_no_flag()
    {
        var (w1, w2, x, y) = TwoLayer(firstTrainable: true);
        var before = w1.Value.ToArray();
        using var tape = new GradientTape();
        var h = Ops.StopGradient(Ops.Tanh(Ops.MatMul(x, w1)));
        var loss = Ops.CrossEntropy(Ops.MatMul(h, w2), y);
        var opt = new Sgd(0.5f);
        var grads = opt.Minimize(loss);
        Assert.Equal([w2], grads.Keys);
        Assert.True(w1.Trainable);
        Assert.Equal(before, w1.Value.ToArray());
        Assert.DoesNotContain(w1, tape.VariablesWithGradients);
    }

    [Fact]
    public void Method2_trap_StopGradient_as_a_layer_reaches_hidden_weights()
    {
        var rng = new Rng(2);
        var encoder = new Sequential(new Dense(4, 8, rng), new Relu(), new Dense(8, 8, rng));
        var model = new Sequential(encoder, new StopGradient(), new Dense(8, 3, rng, name: "head"));
        var x = Tensor.Normal(new Shape(5, 4), 0, 1, rng);
        var encBefore = encoder.Variables.Select(v => v.Value.ToArray()).ToList();
        using var tape = new GradientTape();
        var grads = new Sgd(0.1f).Minimize(Ops.CrossEntropy(model.Call(x), [0, 1, 2, 0, 1]));
        Assert.Equal(["head/kernel", "head/bias"], grads.Keys.Select(v => v.Name));
        Assert.Equal(encBefore, encoder.Variables.Select(v => v.Value.ToArray()).ToList());
        Assert.All(encoder.Variables, v => Assert.True(v.Trainable));
    }

    [Fact]
    public void Method3_explicit_var_list_trains_only_the_listed_variables()
    {
        var (w1, w2, x, y) = TwoLayer(firstTrainable: true);
        var root = new VariableScope();
        root.Add(w1);
        root.Add(w2);
        var before = w1.Value.ToArray();
        var varList = Selector.Glob("layer2/**").Resolve(SelectionContext.Of(root.Variables));
        using var tape = new GradientTape();
        var grads = new Sgd(0.1f).Minimize(Loss(w1, w2, x, y), varList);
        Assert.Equal([w2], grads.Keys);
        Assert.Equal(before, w1.Value.ToArray());
        Assert.DoesNotContain(w1, tape.VariablesWithGradients);
    }

    [Fact]
    public void Method3_trap_a_renamed_scope_fails_loudly_instead_of_matching_nothing()
    {
        var root = new VariableScope();
        root.Scope("encoder_v2").Scope("dense").Variable("kernel", Tensor.Zeros(2));
        root.Scope("head").Variable("kernel", Tensor.Zeros(2));
        var ex = Assert.Throws<SelectorMatchException>(() => Selector.Glob("encoder/**").Resolve(SelectionContext.Of(root.Variables)));
        Assert.Contains("glob 'encoder/**'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("encoder_v2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Method3_trap_prefix_filters_respect_segment_boundaries()
    {
        var root = new VariableScope();
        var l1 = root.Scope("layer1").Variable("kernel", Tensor.Zeros(1));
        root.Scope("layer10").Variable("kernel", Tensor.Zeros(1));
        Assert.Equal([l1], Selector.Glob("layer1/**").Resolve(SelectionContext.Of(root.Variables)));
    }
}
