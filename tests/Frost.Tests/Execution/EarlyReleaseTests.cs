using Frost.Memory;

namespace Frost.Tests.Execution;

public class EarlyReleaseTests
{
    [Fact]
    public void Inference_releases_intermediates_but_never_the_input_or_a_view_of_it()
    {
        var rng = new Rng(1);
        var model = new Frost.Layers.Sequential(new Frost.Layers.Flatten(), new Frost.Layers.Dense(12, 4, rng), new Frost.Layers.Relu(), new Frost.Layers.Dense(4, 2, rng));
        using var scope = new TensorScope();
        var x = Tensor.Normal(new Shape(3, 3, 2, 2), 0, 1, rng);
        Tensor y;
        using (GradientTape.NoRecording())
        {
            y = model.Call(x);
        }

        Assert.False(x.IsReleased);
        Assert.Equal(36, x.ToArray().Length);
        Assert.False(y.IsReleased);
    }

    [Fact]
    public void Training_keeps_what_backward_needs_and_gives_the_same_gradients()
    {
        var rng = new Rng(2);
        var model = Frost.Layers.ResNet.Build([1, 1], 3, rng, width: 4);
        var x = Tensor.Normal(new Shape(2, 3, 16, 16), 0, 1, rng);
        float[] Grad()
        {
            using var tape = new GradientTape();
            var loss = Ops.CrossEntropy(model.Call(x), [0, 2]);
            return tape.Gradient(loss, model["stem/conv"].OwnVariables[0].Value)!.ToArray();
        }

        var first = Grad();
        Assert.Equal(first, Grad());
        Assert.False(x.IsReleased);
    }
}
