namespace Frost.Tests.Variables;

public class VariableScopeTests
{
    [Fact]
    public void Nested_scopes_name_variables_and_duplicates_are_errors()
    {
        var root = new VariableScope();
        var enc = root.Scope("encoder");
        var w = enc.Scope("dense").Variable("weight", Tensor.Zeros(2, 2));
        Assert.Equal("encoder/dense/weight", w.Name);
        Assert.Same(w, root["encoder/dense/weight"]);
        Assert.Same(w, enc["dense/weight"]);
        var ex = Assert.Throws<ArgumentException>(() => root.Scope("encoder").Scope("dense").Variable("weight", Tensor.Zeros(1)));
        Assert.Contains("encoder/dense/weight", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => root.Scope("a/b"));
        Assert.Throws<ArgumentException>(() => root.Variable("", Tensor.Zeros(1)));
    }

    [Fact]
    public void Collections_are_live_views()
    {
        var root = new VariableScope();
        var a = root.Scope("a").Variable("w", Tensor.Zeros(3));
        var b = root.Scope("b").Variable("w", Tensor.Zeros(4), trainable: false);
        var trainable = root.TrainableVariables;
        Assert.Equal([a], trainable);
        b.Unfreeze();
        Assert.Equal([a, b], trainable);
        a.Freeze();
        Assert.Equal([b], trainable);
        Assert.Equal([a], root.NonTrainableVariables);
        var c = root.Scope("a").Variable("v", Tensor.Zeros(1));
        Assert.Equal([a, c], root.Scope("a").Variables);
        Assert.Equal(8, root.Variables.ElementCount);
    }

    [Fact]
    public void Unknown_names_list_the_closest()
    {
        var root = new VariableScope();
        root.Scope("layer1").Variable("weight", Tensor.Zeros(1));
        var ex = Assert.Throws<KeyNotFoundException>(() => root["layer1/kernal"]);
        Assert.Contains("layer1/weight", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Freeze_masks_are_validated()
    {
        var v = new Variable("e", Tensor.Zeros(3, 2));
        Assert.Throws<ArgumentException>(() => v.SetFreezeMask(Tensor.Zeros(2, 3)));
        Assert.Throws<ArgumentException>(() => v.SetFreezeMask(Tensor.Full(new Shape(3, 2), 0.5f)));
        v.FreezeRows(0, 2);
        Assert.Equal([1f, 1f, 0f, 0f, 1f, 1f], v.FreezeMask!.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => v.FreezeRows(3));
    }
}
