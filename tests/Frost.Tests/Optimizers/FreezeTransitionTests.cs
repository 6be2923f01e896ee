using Frost.IO;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Optimizers;

/// <summary>What an optimizer does when variables are frozen between steps.</summary>
public sealed class FreezeTransitionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-transition-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model(ulong seed) => new(new Dense(3, 4, new Rng(seed), name: "fc"), new Relu(), new Dense(4, 2, new Rng(seed + 1), name: "out"));

    private static void Step(Sequential m, Optimizer opt)
        => opt.Minimize(() => Ops.CrossEntropy(m.Call(Tensor.Ones(2, 3)), [0, 1]));

    [Fact]
    public void Freezing_a_layer_directly_drops_its_optimizer_state_at_the_next_step()
    {
        var m = Model(1);
        var opt = new Adam();
        Step(m, opt);
        Assert.Equal(4, opt.State.Count);
        m["fc"].Freeze();
        Step(m, opt);
        Assert.Equal(["out/weight", "out/bias"], opt.State.Keys.Select(v => v.Name).Order().Reverse());
        string p = Path.Combine(_dir, "s.safetensors");
        Checkpoint.Save(p, m, new CheckpointOptions { Optimizer = opt });
        Assert.DoesNotContain("__optimizer__/m/fc/weight", Safetensors.Open(p).Entries.Keys);
    }
}
