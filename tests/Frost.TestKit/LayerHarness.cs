using Frost.IO;
using Frost.Layers;
using Frost.Memory;
using Frost.Optimizers;

namespace Frost.TestKit;

/// <summary>What a layer must satisfy; see <see cref="LayerHarness.Check"/>.</summary>
/// <param name="Create">Builds the layer from a seed (different seeds give different weights).</param>
/// <param name="Input">Input shape for the checks.</param>
/// <param name="Output">Expected output shape.</param>
/// <param name="Trainable">Expected number of trainable elements.</param>
/// <param name="NonTrainable">Expected number of non-trainable elements (state).</param>
public sealed record LayerSpec(Func<ulong, Layer> Create, int[] Input, int[] Output, long Trainable, long NonTrainable)
{
    /// <summary>How input values are drawn (e.g. integer indices for embeddings).</summary>
    public Func<Rng, Tensor>? MakeInput { get; init; }

    /// <summary>Further inputs after the first, e.g. an attention mask; they take no gradient and are the same in every call.</summary>
    public Func<Rng, Tensor[]>? MoreInputs { get; init; }

    /// <summary>Whether the input gets a gradient (false for index inputs).</summary>
    public bool InputDifferentiable { get; init; } = true;

    /// <summary>Whether the gradient check runs in training mode (batch statistics) rather than inference mode.</summary>
    public bool CheckInTrainingMode { get; init; }

    /// <summary>Relative tolerance of the float32 finite-difference check.</summary>
    public double GradTolerance { get; init; } = 2e-2;
}

/// <summary>
/// The checks every layer goes through: output shape, trainable and non-trainable counts, a gradient check
/// (input and every parameter) against central finite differences, a save-and-reload round trip, and one
/// training step that changes only what trains while a frozen copy keeps every value bit-identical.
/// </summary>
public static class LayerHarness
{
    /// <summary>Runs every check, throwing with a description of the first failure.</summary>
    public static void Check(LayerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ShapeAndCounts(spec);
        GradientCheck(spec);
        RoundTrip(spec);
        TrainingStep(spec);
    }

    private static Tensor Input(LayerSpec spec, Rng rng) => spec.MakeInput?.Invoke(rng) ?? Tensor.Normal(new Shape(spec.Input), 0, 1, rng);

    /// <summary>Calls the layer on <paramref name="x"/> and the spec's further inputs (drawn the same way every time).</summary>
    private static Tensor Call(LayerSpec spec, Layer layer, Tensor x)
        => spec.MoreInputs is null ? layer.Call(x) : layer.Call([x, .. spec.MoreInputs(new Rng(12))]);

    /// <summary>Output shape, counts, unique names.</summary>
    public static void ShapeAndCounts(LayerSpec spec)
    {
        var layer = spec.Create(1);
        var y = Call(spec, layer, Input(spec, new Rng(2)));
        Xunit.Assert.Equal(spec.Output, y.Shape.ToArray());
        Xunit.Assert.Equal(spec.Trainable, layer.TrainableVariables.ElementCount);
        Xunit.Assert.Equal(spec.NonTrainable, layer.NonTrainableVariables.ElementCount);
        var names = layer.Variables.Select(v => v.Name).ToList();
        Xunit.Assert.Equal(names.Count, names.Distinct().Count());
    }

    /// <summary>Input and parameter gradients against finite differences.</summary>
    public static void GradientCheck(LayerSpec spec)
    {
        var layer = spec.Create(3);
        layer.Training = spec.CheckInTrainingMode;
        var x = Input(spec, new Rng(4));
        var rng = new Rng(5);
        var w = Tensor.Normal(new Shape(spec.Output), 0, 1, rng);
        var sources = new List<(string Name, Tensor T)>();
        if (spec.InputDifferentiable)
        {
            sources.Add(("input", x));
        }

        sources.AddRange(layer.TrainableVariables.Select(v => (v.Name, v.Value)));
        double Loss()
        {
            using var scope = new TensorScope();
            using var noRecord = GradientTape.NoRecording();
            var y = Call(spec, layer, x).AsReadOnlySpan();
            var ws = w.AsReadOnlySpan();
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += (double)y[i] * ws[i];
            }

            return s;
        }

        Tensor?[] grads;
        using (var tape = new GradientTape())
        {
            if (spec.InputDifferentiable)
            {
                tape.Watch(x);
            }

            var loss = Ops.Sum(Ops.Mul(Call(spec, layer, x), w));
            grads = tape.Gradient(loss, sources.Select(s => s.T).ToList());
            grads = grads.Select(g => g?.Clone().Keep()).ToArray();
        }

        for (int k = 0; k < sources.Count; k++)
        {
            var (name, t) = sources[k];
            var analytic = grads[k]?.ToArray() ?? new float[t.Size];
            var span = t.AsSpan();

            // Check up to 12 elements spread over the tensor.
            int stride = Math.Max(1, span.Length / 12);
            for (int j = 0; j < span.Length; j += stride)
            {
                float orig = span[j];
                bool ok = false;
                double numeric = 0;

                // A ReLU or max kink inside the step spoils a difference quotient; a true mismatch persists
                // across step sizes, so only fail when every step disagrees.
                foreach (float rel in new[] { 1e-2f, 2e-3f, 4e-4f })
                {
                    float h = rel * Math.Max(1f, Math.Abs(orig));
                    span[j] = orig + h;
                    double lp = Loss();
                    span[j] = orig - h;
                    double lm = Loss();
                    span[j] = orig;
                    numeric = (lp - lm) / (2 * h);
                    double scale = Math.Max(1, Math.Abs(numeric));
                    if (Math.Abs(analytic[j] - numeric) <= spec.GradTolerance * scale + (2e-3 / rel * 1e-3))
                    {
                        ok = true;
                        break;
                    }
                }

                if (!ok)
                {
                    throw new Xunit.Sdk.XunitException($"{layer.TypeName}: d loss / d {name}[{j}]: analytic {analytic[j]}, numeric {numeric}");
                }
            }
        }
    }

    /// <summary>Save and reload give identical outputs.</summary>
    public static void RoundTrip(LayerSpec spec)
    {
        var dir = Directory.CreateTempSubdirectory("frost-layer-");
        try
        {
            var a = spec.Create(6);
            var b = spec.Create(7);
            a.Training = b.Training = false;
            string path = Path.Combine(dir.FullName, "layer.safetensors");
            Checkpoint.Save(path, a);
            Checkpoint.Restore(path, b, FreezeStatePolicy.FromCheckpoint);
            var x = Input(spec, new Rng(8));
            Xunit.Assert.Equal(Call(spec, a, x).ToArray(), Call(spec, b, x).ToArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A step changes what trains; a frozen layer keeps every value.</summary>
    public static void TrainingStep(LayerSpec spec)
    {
        foreach (bool frozen in new[] { false, true })
        {
            var layer = spec.Create(9);
            if (frozen)
            {
                layer.Freeze();
            }

            var before = layer.Variables.ToDictionary(v => v, v => v.Value.ToArray());
            var x = Input(spec, new Rng(10));
            if (frozen && !spec.InputDifferentiable)
            {
                // Nothing can train: the forward must still leave every value untouched.
                using var t = new GradientTape();
                _ = Call(spec, layer, x);
                Xunit.Assert.Equal(0, t.RecordedOps);
            }
            else
            {
                var w = Tensor.Normal(new Shape(spec.Output), 0, 1, new Rng(11));
                var opt = new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.01f);
                using var tape = new GradientTape();
                if (frozen)
                {
                    tape.Watch(x); // something must require a gradient for a step to exist
                }

                var loss = Ops.Sum(Ops.Mul(Call(spec, layer, x), w));
                if (frozen && layer.Variables.Count > 0)
                {
                    Xunit.Assert.Throws<FrozenVariableException>(() => opt.Minimize(loss, layer.Variables));
                    Xunit.Assert.Empty(tape.VariablesWithGradients);
                }
                else if (!frozen && layer.TrainableVariables.Count > 0)
                {
                    opt.Minimize(loss);
                }
            }

            foreach (var (v, old) in before)
            {
                bool same = old.AsSpan().SequenceEqual(v.Value.AsReadOnlySpan());
                if (frozen || (!v.Trainable && v.Kind == VariableKind.Parameter))
                {
                    Xunit.Assert.True(same, $"{layer.TypeName}: frozen {v.Name} changed");
                }
                else if (v.Trainable)
                {
                    Xunit.Assert.False(same, $"{layer.TypeName}: trainable {v.Name} did not change");
                }
            }
        }
    }
}
