using Frost.Freezing;
using Frost.Layers;

namespace Frost.Training;

/// <summary>
/// Finds the leading part of a model that is a fixed function — every parameter frozen, no random layer,
/// batch norm in inference mode — and computes its outputs once, so training epochs run only the rest.
/// Frozen parts then cost no gradient, no optimizer state and no recomputation.
/// </summary>
public static class FrozenPrefix
{
    /// <summary>Number of leading children of <paramref name="model"/> that are frozen and deterministic.</summary>
    public static int Length(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = 0;
        foreach (var child in model.Children)
        {
            bool fixedFunction = child.Status is LayerStatus.Frozen or LayerStatus.NoParameters
                && child.Variables.All(FreezeStatus.KeepsValue) && child.Generators.Count == 0;
            if (!fixedFunction)
            {
                break;
            }

            n++;
        }

        return n;
    }

    /// <summary>
    /// Runs children [0, <paramref name="prefix"/>) of <paramref name="model"/> over <paramref name="images"/>
    /// in batches, without recording, and returns the outputs stacked along the first axis.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="prefix">How many leading children to run (at most <see cref="Length"/>).</param>
    /// <param name="images">The inputs, batch first.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="transform">Applied to each input batch first (e.g. resizing), or null.</param>
    /// <param name="progress">Called with (done, total) after each batch.</param>
    /// <exception cref="ArgumentException">The prefix contains trainable or random layers.</exception>
    public static Tensor Precompute(Sequential model, int prefix, Tensor images, int batchSize = 64, Func<Tensor, Tensor>? transform = null, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        int allowed = Length(model);
        if (prefix < 0 || prefix > allowed)
        {
            throw new ArgumentException($"FrozenPrefix: only the first {allowed} layer(s) are frozen and deterministic; cannot precompute {prefix}.", nameof(prefix));
        }

        int n = images.Shape[0];
        Tensor? result = null;
        int done = 0;
        using var noRecord = GradientTape.NoRecording();
        foreach (var ix in Data.Batches.Indices(n, batchSize))
        {
            using var scope = new TensorScope();
            var x = Ops.Slice(images, 0, ix[0], ix.Length);
            x = transform?.Invoke(x) ?? x;
            var y = model.CallRange(x, 0, prefix);
            if (result is null)
            {
                var dims = y.Shape.ToArray();
                dims[0] = n;
                result = Tensor.Zeros(new Shape(dims));
            }

            y.AsReadOnlySpan().CopyTo(result.AsSpan().Slice(ix[0] * (y.Size / ix.Length), y.Size));
            done += ix.Length;
            progress?.Invoke(done, n);
        }

        return result ?? throw new ArgumentException("FrozenPrefix: no images.", nameof(images));
    }
}
