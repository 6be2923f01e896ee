namespace Frost.TestKit;

/// <summary>How to draw an input so the op is smooth around it.</summary>
public enum InputDomain
{
    /// <summary>Uniform in [-2, 2].</summary>
    Any,

    /// <summary>Uniform in [0.5, 2].</summary>
    Positive,

    /// <summary>Uniform in ±[0.2, 2]: kept away from 0 (kinks of ReLU, Abs; poles of 1/x).</summary>
    AwayFromZero,

    /// <summary>Distinct values (at least 0.05 apart): no ties for Max.</summary>
    Distinct,
}

/// <summary>One row of the op catalogue: a Frost op, its double-precision reference, and its inputs.</summary>
/// <param name="Name">Unique case name.</param>
/// <param name="Inputs">Shapes of the differentiable inputs.</param>
/// <param name="Op">The Frost computation.</param>
/// <param name="Reference">The same computation in double precision.</param>
/// <param name="Domain">How to draw input values (one per input, or one for all).</param>
public sealed record OpCase(
    string Name,
    int[][] Inputs,
    Func<Tensor[], Tensor> Op,
    Func<RefTensor[], RefTensor> Reference,
    params InputDomain[] Domain)
{
    public override string ToString() => Name;

    public InputDomain DomainOf(int input) => Domain.Length == 0 ? InputDomain.Any : Domain[Math.Min(input, Domain.Length - 1)];
}
