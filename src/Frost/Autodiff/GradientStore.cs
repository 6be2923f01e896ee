using System.Numerics.Tensors;

namespace Frost.Autodiff;

/// <summary>
/// The gradients of one backward pass, keyed by tensor. Counts how many entries share each buffer so that a
/// gradient buffer allocated during this pass returns to the pool as soon as the last entry using it is
/// consumed, instead of living until the tape ends.
/// </summary>
internal sealed class GradientStore(GradientTape tape, int firstIndex)
{
    private readonly Dictionary<Tensor, Tensor> _grads = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Storage, int> _uses = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _spent = [];

    /// <summary>Buffers returned to the pool before the end of the tape.</summary>
    public long ReleasedBytes { get; private set; }

    public bool TryGet(Tensor key, out Tensor gradient) => _grads.TryGetValue(key, out gradient!);

    public Tensor? Get(Tensor key) => _grads.GetValueOrDefault(key);

    /// <summary>
    /// Adds <paramref name="gradient"/> to the entry of <paramref name="key"/>: into the entry's buffer when this pass
    /// made it and nothing else holds it, else into a new one. <paramref name="gradient"/> itself is left as it is: the
    /// backward function that delivered it may still read it or send it to another input, so its buffer goes back to
    /// the pool only in <see cref="ReleaseSpent"/>, after that function returns.
    /// </summary>
    public void Accumulate(Tensor key, Tensor gradient)
    {
        if (_grads.TryGetValue(key, out var existing))
        {
            // NOTE: counted while it is added, so a buffer it shares with the entry is neither added into nor freed.
            Use(gradient);
            if (OwnsAlone(existing))
            {
                TensorPrimitives.Add(existing.AsReadOnlySpan(), gradient.AsReadOnlySpan(), existing.AsSpan());
            }
            else
            {
                var sum = Ops.Add(existing, gradient);
                Use(sum);
                _grads[key] = sum;
                Unuse(existing);
            }

            Drop(gradient);
            _spent.Add(gradient);
        }
        else
        {
            Use(gradient);
            _grads[key] = gradient;
        }
    }

    /// <summary>
    /// Returns to the pool the buffers of gradients summed into others since the last call, unless an entry still holds
    /// them. Called when the backward function that delivered them has returned.
    /// </summary>
    public void ReleaseSpent()
    {
        foreach (var t in _spent)
        {
            var s = t.Storage;
            if (!_uses.ContainsKey(s))
            {
                Release(s);
            }
        }

        _spent.Clear();
    }

    /// <summary>Whether <paramref name="gradient"/>'s buffer was made by this pass and holds nothing but this one gradient.</summary>
    public bool OwnsAlone(Tensor gradient) =>
        _uses.TryGetValue(gradient.Storage, out int n) && n == 1 && IsOwnBuffer(gradient.Storage);

    /// <summary>Drops the entry of <paramref name="key"/>, freeing its buffer if nothing else uses it.</summary>
    public void Remove(Tensor key)
    {
        if (_grads.Remove(key, out var g))
        {
            Unuse(g);
        }
    }

    private void Use(Tensor t) => _uses[t.Storage] = _uses.GetValueOrDefault(t.Storage) + 1;

    private void Unuse(Tensor t)
    {
        if (Drop(t))
        {
            Release(t.Storage);
        }
    }

    /// <summary>Returns <paramref name="s"/> to the pool if this pass allocated it and it is still live.</summary>
    private void Release(Storage s)
    {
        if (IsOwnBuffer(s))
        {
            ReleasedBytes += (long)s.Length * sizeof(float);
            s.Release();
        }
    }

    /// <summary>Takes one use of <paramref name="t"/>'s buffer away; true when none is left.</summary>
    private bool Drop(Tensor t)
    {
        var s = t.Storage;
        int n = _uses[s] - 1;
        if (n > 0)
        {
            _uses[s] = n;
            return false;
        }

        _uses.Remove(s);
        return true;
    }

    /// <summary>Whether this pass allocated <paramref name="s"/> and it is still live: never a forward activation, a variable or a caller's tensor.</summary>
    private bool IsOwnBuffer(Storage s) =>
        s.Pooled && !s.Kept && ReferenceEquals(s.Owner, tape.Scope) && s.OwnerIndex >= firstIndex && !s.Released;
}
