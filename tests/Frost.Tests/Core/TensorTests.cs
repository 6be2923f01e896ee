namespace Frost.Tests.Core;

public class TensorTests
{
    [Fact]
    public void Factories_make_the_expected_values()
    {
        Assert.Equal([0f, 0f], Tensor.Zeros(2).ToArray());
        Assert.Equal([1f, 1f, 1f], Tensor.Ones(3).ToArray());
        Assert.Equal([2.5f, 2.5f], Tensor.Full(new Shape(2), 2.5f).ToArray());
        Assert.Equal([0f, 0.5f, 1f, 1.5f], Tensor.Arange(0, 2, 0.5f).ToArray());
        Assert.Equal([3f, 2f, 1f], Tensor.Arange(3, 0, -1).ToArray());
        Assert.Empty(Tensor.Arange(0, 0).ToArray());
        Assert.Equal(7f, Tensor.Scalar(7f).Item());
        Assert.Equal(0, Tensor.Scalar(7f).Rank);
    }

    [Fact]
    public void Shape_errors_name_the_op_and_both_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Ops.Add(Tensor.Ones(2, 3), Tensor.Ones(4)));
        Assert.Contains("Add", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", ex.Message, StringComparison.Ordinal);

        var mm = Assert.Throws<ArgumentException>(() => Ops.MatMul(Tensor.Ones(2, 3), Tensor.Ones(4, 5)));
        Assert.Contains("MatMul", mm.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 5]", mm.Message, StringComparison.Ordinal);

        var fa = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, 2f, 3f], 2, 2));
        Assert.Contains("[2, 2]", fa.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reshape_is_a_view_and_infers_minus_one()
    {
        var t = Tensor.Arange(0, 6);
        var r = t.Reshape(2, -1);
        Assert.Equal(new Shape(2, 3), r.Shape);
        t.AsSpan()[4] = 40f;
        Assert.Equal(40f, r[1, 1]);
        Assert.Throws<ArgumentException>(() => t.Reshape(4, -1));
        Assert.Throws<ArgumentException>(() => t.Reshape(-1, -1));
    }

    [Fact]
    public void Slice_on_the_outer_axis_is_a_view()
    {
        var t = Tensor.Arange(0, 12).Reshape(4, 3);
        var s = Ops.Slice(t, 0, 1, 2);
        Assert.Equal([3f, 4f, 5f, 6f, 7f, 8f], s.ToArray());
        t[1, 0] = -1f;
        Assert.Equal(-1f, s[0, 0]);
    }

    [Fact]
    public void Indexer_checks_bounds()
    {
        var t = Tensor.Zeros(2, 3);
        t[1, 2] = 5f;
        Assert.Equal(5f, t.AsReadOnlySpan()[5]);
        Assert.Throws<ArgumentException>(() => t[2, 0]);
        Assert.Throws<ArgumentException>(() => t[0]);
    }

    [Fact]
    public void Permute_matches_manual_indexing()
    {
        var t = Tensor.Arange(0, 24).Reshape(2, 3, 4);
        var p = Ops.Permute(t, 1, 2, 0);
        Assert.Equal(new Shape(3, 4, 2), p.Shape);
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    Assert.Equal(t[i, j, k], p[j, k, i]);
                }
            }
        }
    }

    [Fact]
    public void Softmax_is_stable_for_huge_logits()
    {
        var x = Tensor.FromArray([1000f, 1000f, -1000f], 1, 3);
        Assert.Equal([0.5f, 0.5f, 0f], Ops.Softmax(x).ToArray());
        var ce = Ops.CrossEntropy(Tensor.FromArray([1e4f, 0f], 1, 2), [1]);
        Assert.Equal(1e4f, ce.Item());
    }

    [Fact]
    public void CrossEntropy_rejects_bad_labels()
    {
        var ex = Assert.Throws<ArgumentException>(() => Ops.CrossEntropy(Tensor.Zeros(2, 3), [0, 3]));
        Assert.Contains("label 3 at index 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgMax_per_row()
    {
        Assert.Equal([1, 0], Ops.ArgMax(Tensor.FromArray([0f, 5f, 1f, 9f, 2f, 3f], 2, 3)));
    }

    [Fact]
    public void Broadcasting_over_many_shapes_matches_a_scalar_loop()
    {
        var rng = new Rng(11);
        int[][] shapes = [[1], [3], [2, 1], [1, 3], [2, 3], [4, 1, 3], [4, 2, 1], [1, 2, 3], [5, 1, 1, 3]];
        foreach (var sa in shapes)
        {
            foreach (var sb in shapes)
            {
                Shape outShape;
                try
                {
                    outShape = Shape.Broadcast(new Shape(sa), new Shape(sb), "t");
                }
                catch (ArgumentException)
                {
                    continue;
                }

                var a = Tensor.Uniform(new Shape(sa), -1, 1, rng);
                var b = Tensor.Uniform(new Shape(sb), -1, 1, rng);
                var y = Ops.Sub(a, b);
                var ra = TestKit.RefTensor.From(a);
                var rb = TestKit.RefTensor.From(b);
                var r = TestKit.RefTensor.Zip(ra, rb, (p, q) => p - q);
                Assert.Equal(outShape.ToArray(), r.Shape);
                TestKit.AssertClose.Equal(r.Data.Select(v => (float)v).ToArray(), y.AsReadOnlySpan(), 1e-6, 1e-6);
            }
        }
    }
}
