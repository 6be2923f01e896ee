using Frost.Freezing;
using Frost.Layers;

namespace Frost.Tests.Freezing;

public class SelectorTests
{
    private static Sequential Model(out Rng rng)
    {
        rng = new Rng(4);
        return new Sequential(
            new Sequential("block0", new Dense(2, 3, rng, name: "fc1"), new Relu(), new Dense(3, 3, rng, name: "fc2")),
            new Sequential("block1", new Dense(3, 3, rng, name: "fc1"), new LayerNorm(3, name: "norm")),
            new Dense(3, 2, rng, name: "head"));
    }

    private static string[] Names(IEnumerable<Variable> vs) => vs.Select(v => v.Name).ToArray();

    [Fact]
    public void Glob_star_and_double_star()
    {
        var m = Model(out _);
        Assert.Equal(["block0/fc1/weight", "block0/fc1/bias", "block0/fc2/weight", "block0/fc2/bias"], Names(Selector.Glob("block0/**").Resolve(m)));
        Assert.Equal(["block0/fc1/weight", "block1/fc1/weight"], Names(Selector.Glob("*/fc1/weight").Resolve(m)));
        Assert.Equal(["block0/fc1/bias", "block0/fc2/bias", "block1/fc1/bias", "block1/norm/bias", "head/bias"], Names(Selector.Glob("**/bias").Resolve(m)));
        Assert.Equal(["block0/fc2/weight"], Names(Selector.Glob("block?/fc2/w*").Resolve(m)));
    }

    [Fact]
    public void Glob_character_classes()
    {
        var m = Model(out _);
        Assert.Equal(["block1/fc1/weight", "block1/fc1/bias"], Names(Selector.Glob("block[1-3]/fc[!2]/*").Resolve(m)));
        Assert.Equal(["block0/fc2/weight", "block0/fc2/bias"], Names(Selector.Glob("block[0]/fc[25]/**").Resolve(m)));
        Assert.Throws<SelectorMatchException>(() => Selector.Glob("block[2-9]/**").Resolve(m));
    }

    [Fact]
    public void Regex_union_except_and_exact_counts()
    {
        var m = Model(out _);
        Assert.Equal(["block1/norm/weight", "block1/norm/bias"], Names(Selector.Regex("norm/").Resolve(m)));
        var sel = Selector.Glob("block0/**") | Selector.Glob("head/**");
        Assert.Equal(6, sel.Resolve(m).Count);
        Assert.Equal(["block0/fc1/weight", "block0/fc2/weight"], Names((Selector.Glob("block0/**") - Selector.Glob("**/bias")).Resolve(m)));
        Assert.Equal(2, Selector.Glob("head/**").Exactly(2).Resolve(m).Count);
        var ex = Assert.Throws<SelectorMatchException>(() => Selector.Glob("head/**").Exactly(3).Resolve(m));
        Assert.Contains("matched 2", ex.Message, StringComparison.Ordinal);

        // Both sides of a union must match: a typo cannot hide behind the other side.
        Assert.Throws<SelectorMatchException>(() => (Selector.Glob("head/**") | Selector.Glob("haed/**")).Resolve(m));
    }

    [Fact]
    public void Layer_object_and_type_position_selectors()
    {
        var m = Model(out _);
        Assert.Equal(["block1/fc1/weight", "block1/fc1/bias", "block1/norm/weight", "block1/norm/bias"], Names(Selector.Layer(m["block1"]).Resolve(m)));
        Assert.Equal(["block0/fc1/weight", "block0/fc1/bias", "block0/fc2/weight", "block0/fc2/bias"], Names(Selector.LayersOfType<Dense>(2).Resolve(m)));
        Assert.Equal(["head/weight", "head/bias"], Names(Selector.LayersOfType<Dense>(1, skip: 3).Resolve(m)));
        var ex = Assert.Throws<SelectorMatchException>(() => Selector.LayersOfType<Dense>(5).Resolve(m));
        Assert.Contains("only 4 Dense", ex.Message, StringComparison.Ordinal);
        Assert.Throws<SelectorMatchException>(() => Selector.Layer(new Dense(1, 1, new Rng(0))).Resolve(m));
        Assert.Throws<SelectorMatchException>(() => Selector.Layer(m["block0/relu"]).Resolve(m));
    }

    [Fact]
    public void Misses_name_the_pattern_and_the_closest_names()
    {
        var m = Model(out _);
        var ex = Assert.Throws<SelectorMatchException>(() => Selector.Glob("blok1/**").Resolve(m));
        Assert.Contains("glob 'blok1/**' matched no variable", ex.Message, StringComparison.Ordinal);
        Assert.Contains("block1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<SelectorMatchException>(() => Selector.Regex("^nothing$").Resolve(m));
    }

    [Fact]
    public void Layer_paths_follow_the_tree()
    {
        var m = Model(out _);
        Assert.Equal("block0/fc2", m["block0/fc2"].Path);
        Assert.Equal(["relu"], m["block0"].Children.Where(c => c is Relu).Select(c => c.Name));
        var ex = Assert.Throws<KeyNotFoundException>(() => m["block0/fc3"]);
        Assert.Contains("block0/fc2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layer_and_except_selectors_cannot_match_nothing_silently()
    {
        var root = new VariableScope();
        var a = root.Scope("a").Variable("w", Tensor.Zeros(2));
        root.Scope("b").Variable("w", Tensor.Zeros(2));
        var ctx = SelectionContext.Of(root.Variables);
        var foreign = new Dense(1, 1, new Rng(0));
        Assert.Throws<SelectorMatchException>(() => (Selector.Layer(foreign) | Selector.Glob("a/*")).Resolve(ctx));
        var ex = Assert.Throws<SelectorMatchException>(() => (Selector.Glob("a/*") - Selector.Glob("b/*")).Resolve(ctx));
        Assert.Contains("removes nothing", ex.Message, StringComparison.Ordinal);
        Assert.Equal([a], (Selector.All - Selector.Glob("b/*")).Resolve(ctx));
    }
}
