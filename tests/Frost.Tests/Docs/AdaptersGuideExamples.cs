using Frost.Adapters;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Docs;

/// <summary>
/// The examples of docs/adapters.md. Each region is copied verbatim into the guide (checked by
/// <see cref="DocsTests"/>), so every example in the guide compiles and runs.
/// </summary>
public sealed class AdaptersGuideExamples : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-adapters-guide-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A stand-in for a pretrained transformer: two attention-like projections, a norm and a new head.</summary>
    private static Sequential Pretrained()
    {
        var rng = new Rng(1);
        var attention = new Sequential("attention", new Dense(8, 8, rng, name: "query"), new Dense(8, 8, rng, name: "value"), new LayerNorm(8, name: "norm"));
        return new Sequential(new Sequential("layer0", attention), new Dense(8, 2, rng, name: "head"));
    }

    private static (Tensor X, int[] Y) Data()
    {
        var rng = new Rng(2);
        var x = Tensor.Normal(new Shape(32, 8), 0, 1, rng);
        return (x, [.. Enumerable.Range(0, 32).Select(i => x.AsReadOnlySpan()[i * 8] > 0 ? 1 : 0)]);
    }

    [Fact]
    public void Inject()
    {
        var model = Pretrained();
        var (x, y) = Data();
        #region example: inject
        var optimizer = new AdamW(1e-3f, weightDecay: 0.01f);
        LoraInjection lora = Lora.Inject(
            model,
            Selector.Glob("layer*/attention/query/**") | Selector.Glob("layer*/attention/value/**"),
            rank: 4, alpha: 8, dropout: 0.1f,
            keepTrainable: Selector.Glob("head/**"),   // the new head trains in full
            optimizer: optimizer);
        Console.WriteLine(lora);
        // LoRA rank 4, alpha 8 (scale 2), dropout 0.1 on 2 layers (2 Dense) selected by (glob … | glob …)
        // adapter parameters: 128; kept trainable: 18; base: 178 (160 frozen)
        // trainable params: 146 || all params: 306 || trainable%: 47.7124
        // optimizer state (AdamW): 1.1 KiB, for the adapters and kept variables only

        for (int step = 0; step < 20; step++)
        {
            optimizer.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        }

        FrozenVerification check = lora.VerifyFrozen();
        check.ThrowIfViolated();              // every base variable is bit-identical to its SHA-256
        Assert.Empty(check.InertAdapters);    // and no adapter kept B = 0 (it would change nothing)
        #endregion
        Assert.Equal(146, lora.Report.TrainableParameters);
        Assert.Equal(128, lora.AdapterParameters);
    }

    [Fact]
    public void Errors()
    {
        var model = Pretrained();
        #region example: errors
        // A selector that matches nothing names the closest names; a layer that cannot take an adapter is named.
        var miss = Assert.Throws<SelectorMatchException>(() => Lora.Inject(model, Selector.Glob("layer0/attention/key/**"), 4, 8));
        Assert.Contains("Closest names", miss.Message);
        var wrong = Assert.Throws<InvalidOperationException>(() => Lora.Inject(model, Selector.Glob("layer0/**"), 4, 8));
        Assert.Contains("LayerNorm 'layer0/attention/norm'", wrong.Message);
        #endregion
    }

    [Fact]
    public void Merge()
    {
        var model = Pretrained();
        var (x, y) = Data();
        var optimizer = new Adam(1e-2f);
        Lora.Inject(model, Selector.Glob("layer*/attention/*/weight") - Selector.Glob("layer*/attention/norm/*"), 4, 8, optimizer: optimizer);
        for (int step = 0; step < 5; step++)
        {
            optimizer.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        }

        model.Training = false;
        #region example: merge
        var before = model.Call(x).ToArray();
        Lora.Merge(model);                  // W ← W + (alpha / r)·B·A; the adapters now compute nothing
        var merged = model.Call(x).ToArray();
        // export here: OnnxExporter.Save(model, new Shape(1, 8), "model.onnx") refuses unmerged adapters
        Lora.Unmerge(model);                // the kept original weights come back bit for bit
        Assert.Equal(before, model.Call(x).ToArray());
        #endregion
        Frost.TestKit.AssertClose.Equal(before, merged, 1e-5);
    }

    [Fact]
    public void Files()
    {
        var (x, y) = Data();
        string folder = _dir;
        var model = Pretrained();
        var optimizer = new Adam(1e-2f);
        var lora = Lora.Inject(model, Selector.Glob("layer0/attention/query/**"), 4, 8, keepTrainable: Selector.Glob("head/**"), optimizer: optimizer);
        for (int step = 0; step < 5; step++)
        {
            optimizer.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        }

        #region example: files
        lora.Save(Path.Combine(folder, "spam.lora.safetensors"));    // adapters + head + SHA-256 of the base

        var fresh = Pretrained();                                      // the same pretrained weights
        Lora.Load(fresh, Path.Combine(folder, "spam.lora.safetensors"));

        var other = Pretrained();
        other["layer0/attention/value"].Variables[0].Value.AsSpan()[0] += 0.01f;   // a different base
        var refused = Assert.Throws<AdapterBaseMismatchException>(
            () => Lora.Load(other, Path.Combine(folder, "spam.lora.safetensors")));
        Assert.Equal("layer0/attention/value/weight", refused.Variable);
        #endregion
        model.Training = fresh.Training = false;
        Assert.Equal(model.Call(x).ToArray(), fresh.Call(x).ToArray());
    }
}
