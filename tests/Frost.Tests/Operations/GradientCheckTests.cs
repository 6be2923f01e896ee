using System.Reflection;
using Frost.TestKit;

namespace Frost.Tests.Operations;

public class GradientCheckTests
{
    [Theory]
    [MemberData(nameof(OpCatalogue.Names), MemberType = typeof(OpCatalogue))]
    public void Op_matches_reference_and_finite_differences(string name) => GradCheck.Assert(OpCatalogue.Get(name));

    [Fact]
    public void Every_public_differentiable_op_is_in_the_catalogue()
    {
        // Ops that are not differentiable, or are covered by dedicated tests.
        string[] exempt = ["ArgMax", "Custom", "StopGradient"];
        var ops = typeof(Ops).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.Name).Distinct().Except(exempt).ToList();
        var covered = OpCatalogue.All.Select(c => c.Name.Split('_')[0]).ToHashSet();
        covered.UnionWith(OpCatalogue.All.Select(c => c.Name.Replace("Scalar", "", StringComparison.Ordinal).Replace("FromScalar", "", StringComparison.Ordinal)));
        var missing = ops.Where(o => !covered.Contains(o)).ToList();
        Assert.True(missing.Count == 0, "No gradient check for: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_wrong_backward_is_caught()
    {
        // y = x², with a backward that forgets the factor 2.
        var wrong = new OpCase(
            "WrongSquare",
            [[5]],
            x =>
            {
                var y = Tensor.FromArray(x[0].ToArray().Select(v => v * v).ToArray(), 5);
                return Ops.Custom("WrongSquare", y, [x[0]], (g, s) => s.Add(0, Ops.Mul(g, x[0])));
            },
            r => r[0].Map(v => v * v));
        var problems = GradCheck.Run(wrong);
        Assert.Contains(problems, p => p.Contains("analytic", StringComparison.Ordinal));

        var right = wrong with
        {
            Op = x =>
            {
                var y = Tensor.FromArray(x[0].ToArray().Select(v => v * v).ToArray(), 5);
                return Ops.Custom("Square", y, [x[0]], (g, s) => s.Add(0, Ops.Mul(Ops.Mul(g, x[0]), 2f)));
            },
        };
        Assert.Empty(GradCheck.Run(right));
    }

    [Fact]
    public void A_wrong_forward_is_caught()
    {
        var wrong = OpCatalogue.Get("Exp") with { Reference = r => r[0].Map(v => Math.Exp(v) * 1.001) };
        Assert.Contains(GradCheck.Run(wrong), p => p.Contains("forward", StringComparison.Ordinal));
    }
}
