using Frost.Layers;

namespace Frost.Adapters;

/// <summary>
/// A low-rank adapter attached to a <see cref="Dense"/> or <see cref="Conv2D"/> layer (its target): it computes the
/// update <c>(alpha / rank) · B(A(dropout(x)))</c> that the target adds to its own output, so the pair computes what
/// the target would with the weight <c>W + (alpha / rank) · B·A</c>. A starts Kaiming-uniform and B at zero, so a
/// fresh adapter changes nothing. Its variables are named <c>lora/a</c> and <c>lora/b</c> below the target.
/// </summary>
/// <remarks>Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", 2021; the initialisation of Hugging Face PEFT.</remarks>
public abstract class LoraAdapter : Layer
{
    /// <summary>The name of an adapter below its target layer.</summary>
    public const string LayerName = "lora";

    private readonly Rng? _dropoutRng;
    private float[]? _unmergedWeight;

    private protected LoraAdapter(int rank, float alpha, float dropout, Shape aShape, Shape bShape, int fanIn, Rng rng)
        : base(LayerName)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Lora.CheckSettings(rank, alpha, dropout);
        Rank = rank;
        Alpha = alpha;
        Dropout = dropout;

        // Kaiming-uniform with a = √5, as PyTorch's default and PEFT's LoRA A: bound 1/√fan_in.
        float bound = 1f / MathF.Sqrt(fanIn);
        A = AddParameter("a", Tensor.Uniform(aShape, -bound, bound, rng));
        B = AddParameter("b", Tensor.Zeros(bShape));
        _dropoutRng = dropout > 0 ? AddGenerator("rng", rng.Fork()) : null;
    }

    /// <summary>The rank r of the update.</summary>
    public int Rank { get; }

    /// <summary>The scale numerator: the update is multiplied by <c>Alpha / Rank</c>.</summary>
    public float Alpha { get; }

    /// <summary>The factor <c>Alpha / Rank</c> applied to the update.</summary>
    public float Scale => Alpha / Rank;

    /// <summary>Dropout rate applied to the adapter's input in training mode (0: none).</summary>
    public float Dropout { get; }

    /// <summary>The down-projection (input side), Kaiming-uniform at creation.</summary>
    public Variable A { get; }

    /// <summary>The up-projection (output side), zero at creation.</summary>
    public Variable B { get; }

    /// <summary>Whether the update is folded into the target's weight (<see cref="Lora.Merge"/>); the adapter then computes nothing.</summary>
    public bool Merged { get; private set; }

    /// <summary>The layer this adapter updates.</summary>
    /// <exception cref="InvalidOperationException">The adapter is not attached.</exception>
    public Layer Target => Parent ?? throw new InvalidOperationException("The LoRA adapter is not attached to a layer.");

    /// <summary>Whether B is still all zeros, so the adapter changes nothing.</summary>
    public bool IsInert => !B.Value.AsReadOnlySpan().ContainsAnyExcept(0f);

    /// <summary>The target's weight, which a merge changes.</summary>
    internal abstract Variable TargetWeight { get; }

    /// <summary>
    /// The update of the target's weight, <c>(alpha / rank) · B·A</c>, in the weight's shape (a new tensor; nothing is
    /// recorded).
    /// </summary>
    public Tensor WeightDelta()
    {
        var a = A.Value.AsReadOnlySpan();
        var b = B.Value.AsReadOnlySpan();
        int rows = B.Shape[0], k = A.Shape.Size / Rank;
        var delta = new float[rows * k];
        float scale = Scale;
        for (int o = 0; o < rows; o++)
        {
            var row = delta.AsSpan(o * k, k);
            for (int j = 0; j < Rank; j++)
            {
                float bj = b[(o * Rank) + j] * scale;
                if (bj == 0f)
                {
                    continue;
                }

                var aj = a.Slice(j * k, k);
                for (int i = 0; i < k; i++)
                {
                    row[i] += bj * aj[i];
                }
            }
        }

        return Tensor.Wrap(delta, TargetWeight.Shape.ToArray());
    }

    /// <summary>Adds the update to the target's weight; with <paramref name="keepWeight"/>, keeps a copy for an exact unmerge.</summary>
    internal void Merge(bool keepWeight)
    {
        var w = TargetWeight;
        _unmergedWeight = keepWeight ? w.Value.ToArray() : null;
        System.Numerics.Tensors.TensorPrimitives.Add(w.Value.AsReadOnlySpan(), WeightDelta().AsReadOnlySpan(), w.Value.AsSpan());
        Merged = true;
        w.Refingerprint();
    }

    /// <summary>Restores the target's weight: bit-exactly from the kept copy, else by subtracting the update.</summary>
    internal void Unmerge()
    {
        var w = TargetWeight;
        if (_unmergedWeight is { } kept)
        {
            kept.CopyTo(w.Value.AsSpan());
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Subtract(w.Value.AsReadOnlySpan(), WeightDelta().AsReadOnlySpan(), w.Value.AsSpan());
        }

        _unmergedWeight = null;
        Merged = false;
        w.Refingerprint();
    }

    /// <summary>The adapter's input: <paramref name="x"/> with dropout in training mode.</summary>
    private protected Tensor DropoutInput(Tensor x) => _dropoutRng is null ? x : Ops.Dropout(x, Dropout, _dropoutRng, Training);

    /// <summary>Checks that the adapter is not merged before it computes.</summary>
    private protected void ThrowIfMerged()
    {
        if (Merged)
        {
            throw new InvalidOperationException($"The LoRA adapter of '{Target.Path}' is merged into its weight; it computes nothing until Lora.Unmerge.");
        }
    }
}
