using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Docs;

/// <summary>
/// The examples of docs/freezing.md. Each region is copied verbatim into the guide (checked by
/// <see cref="DocsTests"/>), so every example in the guide compiles and runs.
/// </summary>
public class FreezingGuideExamples
{
    private static (Sequential Model, Tensor X, int[] Y) Setup()
    {
        var rng = new Rng(1);
        var model = new Sequential(
            new Sequential("encoder", new Dense(8, 16, rng, name: "fc1"), new Relu(), new Dense(16, 16, rng, name: "fc2")),
            new Dense(16, 4, rng, name: "head"));
        return (model, Tensor.Normal(new Shape(32, 8), 0, 1, rng), Enumerable.Range(0, 32).Select(i => i % 4).ToArray());
    }

    [Fact]
    public void Method1_trainable_flag()
    {
        var (model, x, y) = Setup();
        #region example: method1
        // Freeze a whole layer (or a variable: variable.Freeze(), or trainable: false at creation).
        model["encoder"].Freeze();

        var optimizer = new Adam(1e-3f);
        using (var tape = new GradientTape())
        {
            var loss = Ops.CrossEntropy(model.Call(x), y);
            optimizer.Minimize(loss);                 // default list: trainable variables only
        }

        // An explicit list that names a frozen variable is an error, not a silent update:
        using (var tape = new GradientTape())
        {
            var loss = Ops.CrossEntropy(model.Call(x), y);
            var error = Assert.Throws<FrozenVariableException>(
                () => optimizer.Minimize(loss, model.Variables));
            Assert.Equal("encoder/fc1/weight", error.Variable.Name);
        }
        #endregion
    }

    [Fact]
    public void Method2_stop_gradient()
    {
        var (_, x, y) = Setup();
        var rng = new Rng(2);
        #region example: method2
        // As a layer: nothing before it receives a gradient; no variable's flag changes.
        var encoder = new Sequential(new Dense(8, 16, rng), new Relu());
        var model = new Sequential(encoder, new StopGradient(), new Dense(16, 4, rng, name: "head"));

        using var tape = new GradientTape();
        var loss = Ops.CrossEntropy(model.Call(x), y);
        var grads = new Sgd(0.1f).Minimize(loss);
        Assert.Equal(["head/weight", "head/bias"], grads.Keys.Select(v => v.Name));
        Assert.True(encoder.Trainable);                  // flags untouched

        // On any tensor: Ops.StopGradient(h) returns h's values with no history.
        #endregion
    }

    [Fact]
    public void Method3_var_list_with_selectors()
    {
        var (model, x, y) = Setup();
        #region example: method3
        // Selectors resolve against the model and fail loudly when they match nothing.
        var varList = (Selector.Glob("encoder/fc2/**") | Selector.Glob("head/**")).Resolve(model);

        var optimizer = new Sgd(0.05f, momentum: 0.9f);
        using (var tape = new GradientTape())
        {
            var loss = Ops.CrossEntropy(model.Call(x), y);
            var grads = optimizer.ComputeGradients(loss, varList);   // only these get gradients
            optimizer.ApplyGradients(grads);
        }

        // A renamed scope is an error naming the pattern and the closest names, not an empty list:
        var miss = Assert.Throws<SelectorMatchException>(() => Selector.Glob("encoder/dense2/**").Resolve(model));
        Assert.Contains("Closest names", miss.Message);
        #endregion
    }

    [Fact]
    public void Plans_reports_and_verification()
    {
        var (model, x, y) = Setup();
        #region example: plan
        var optimizer = new AdamW(1e-3f);
        var plan = new FreezePlan(model)
            .Freeze(Selector.LayersOfType<Dense>(1))                 // "the first Dense"
            .Freeze(Selector.Glob("encoder/fc2/bias"));
        FreezeReport report = plan.Apply(optimizer);
        Console.WriteLine(report);      // each step, each variable's status, parameter and state bytes

        for (int step = 0; step < 5; step++)
        {
            optimizer.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        }

        FrozenVerification check = plan.VerifyFrozen();   // SHA-256 of every frozen value
        check.ThrowIfViolated();
        Assert.Empty(check.NeverChanged);                  // no trainable variable was stuck
        #endregion
    }

    [Fact]
    public void Masks_and_mid_training_changes()
    {
        var rng = new Rng(3);
        var ids = Tensor.FromArray([0f, 1f, 2f, 3f], 4);
        #region example: masks
        // Keep the pretrained rows 0..1 of an embedding while new rows 2..3 train.
        var embedding = new Embedding(4, 8, rng);
        var head = new Dense(8, 2, rng);
        embedding.Weight.FreezeRows(0, 1);

        var model = new Sequential(embedding, head);
        var optimizer = new Adam(1e-2f) { WeightDecay = 0.1f };   // decay never touches masked rows
        for (int step = 0; step < 10; step++)
        {
            optimizer.Minimize(() => Ops.CrossEntropy(model.Call(ids), [0, 1, 0, 1]));
        }

        // Later: freeze the head and keep training the embedding, in one call.
        new FreezePlan(model).Freeze(Selector.Layer(head)).Apply(optimizer);
        Assert.False(optimizer.State.ContainsKey(head.Weight));   // its state was dropped
        Assert.Equal(10, optimizer.Transitions[^1].Iteration);     // and the change recorded
        #endregion
    }
}
