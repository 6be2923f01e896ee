namespace Frost.TestKit;

/// <summary>Checks an op's forward against its reference and its backward against central finite differences of the reference.</summary>
public static class GradCheck
{
    /// <summary>Runs the check; returns a list of problems (empty when the op passes).</summary>
    public static IReadOnlyList<string> Run(OpCase c, ulong seed = 1, double forwardTol = 2e-5, double gradTol = 2e-4)
    {
        var rng = new Rng(seed);
        var inputs = c.Inputs.Select((shape, i) => Draw(rng, shape, c.DomainOf(i))).ToArray();
        var problems = new List<string>();

        using var tape = new GradientTape();
        foreach (var x in inputs)
        {
            tape.Watch(x);
        }

        var y = c.Op(inputs);
        var refInputs = inputs.Select(RefTensor.From).ToArray();
        var yRef = c.Reference(refInputs);
        if (!y.Shape.ToArray().SequenceEqual(yRef.Shape))
        {
            problems.Add($"{c.Name}: output shape {y.Shape} but reference [{string.Join(", ", yRef.Shape)}]");
            return problems;
        }

        var yv = y.ToArray();
        for (int i = 0; i < yv.Length; i++)
        {
            if (!Close(yv[i], yRef.Data[i], forwardTol))
            {
                problems.Add($"{c.Name}: forward[{i}] = {yv[i]} but reference {yRef.Data[i]}");
                break;
            }
        }

        // Project the output on fixed random weights so every output element matters.
        var w = Draw(rng, y.Shape.ToArray(), InputDomain.Any);
        var loss = Ops.Sum(Ops.Mul(y, w));
        var grads = tape.Gradient(loss, inputs);
        var wd = w.ToArray().Select(v => (double)v).ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            var analytic = grads[i]?.ToArray() ?? new float[inputs[i].Size];
            var x = refInputs[i];
            for (int j = 0; j < x.Data.Length; j++)
            {
                double orig = x.Data[j];
                double h = 1e-6 * Math.Max(1, Math.Abs(orig));
                x.Data[j] = orig + h;
                double lp = Project(c.Reference(refInputs), wd);
                x.Data[j] = orig - h;
                double lm = Project(c.Reference(refInputs), wd);
                x.Data[j] = orig;
                double numeric = (lp - lm) / (2 * h);
                if (!Close(analytic[j], numeric, gradTol))
                {
                    problems.Add($"{c.Name}: d/d input{i}[{j}] analytic {analytic[j]} vs numeric {numeric}");
                    break;
                }
            }
        }

        return problems;
    }

    /// <summary>Throws with every problem when the op fails its check.</summary>
    public static void Assert(OpCase c, ulong seed = 1)
    {
        var p = Run(c, seed);
        if (p.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(string.Join(Environment.NewLine, p));
        }
    }

    public static bool Close(double actual, double expected, double tol)
        => (double.IsNaN(actual) && double.IsNaN(expected)) || Math.Abs(actual - expected) <= tol * (1 + Math.Abs(expected));

    public static Tensor Draw(Rng rng, int[] shape, InputDomain domain)
    {
        var t = Tensor.Zeros(shape);
        var s = t.AsSpan();
        for (int i = 0; i < s.Length; i++)
        {
            float u = rng.NextFloat();
            s[i] = domain switch
            {
                InputDomain.Positive => 0.5f + 1.5f * u,
                InputDomain.AwayFromZero => (0.2f + 1.8f * u) * (rng.NextFloat() < 0.5f ? -1 : 1),
                InputDomain.Distinct => 0f,
                _ => -2f + 4f * u,
            };
        }

        if (domain == InputDomain.Distinct)
        {
            var perm = rng.Permutation(s.Length);
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = (perm[i] - s.Length / 2f) * 0.1f;
            }
        }

        return t;
    }

    private static double Project(RefTensor y, double[] w)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++)
        {
            s += y.Data[i] * w[i];
        }

        return s;
    }
}
