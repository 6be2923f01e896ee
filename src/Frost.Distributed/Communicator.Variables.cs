using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Frost.Distributed;

public sealed partial class Communicator
{
    private const int DigestBytes = 32;

    /// <summary>
    /// Gives every rank rank 0's values of the trainable variables in <paramref name="variables"/> (the initial
    /// weights of data-parallel training). Frozen variables, and the frozen elements of masked ones, are never
    /// written: they are compared with rank 0's instead, since every rank must load the same frozen weights.
    /// </summary>
    /// <exception cref="ArgumentException">A variable is listed twice.</exception>
    /// <exception cref="DistributedException">The ranks list different variables (names, shapes or freeze
    /// state), or a frozen variable or frozen element differs from rank 0's (on every rank, naming them); or
    /// the collective failed.</exception>
    public void BroadcastVariables(IEnumerable<Variable> variables)
    {
        var list = Distinct(variables, nameof(BroadcastVariables));
        CheckSameVariables(list, nameof(BroadcastVariables));
        var frozen = new List<Variable>();
        var differing = new int[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            var v = list[i];
            if (!v.Trainable)
            {
                frozen.Add(v);
                continue;
            }

            var value = v.Value.AsSpan();
            if (v.FreezeMask is not { } mask || IsRoot)
            {
                Broadcast(value);
                continue;
            }

            float[] received = value.ToArray();
            Broadcast(received.AsSpan());
            if (FrozenElementsEqual(value, received, mask.AsReadOnlySpan()))
            {
                received.CopyTo(value);
            }
            else
            {
                differing[i] = 1;
            }
        }

        var frozenDiffer = DifferFromRoot(frozen);
        for (int i = 0, f = 0; i < list.Count; i++)
        {
            if (!list[i].Trainable)
            {
                differing[i] = frozenDiffer[f++];
            }
        }

        AllReduceSum(differing.AsSpan());
        var names = list.Where((_, i) => differing[i] > 0).Select(v => $"'{v.Name}'").ToList();
        if (names.Count > 0)
        {
            throw new DistributedException(
                $"BroadcastVariables: the frozen values of {names.Count} variable(s) differ from rank 0's on some rank: {string.Join(", ", names.Take(5))}"
                + $"{(names.Count > 5 ? ", …" : "")}; every rank must load the same frozen weights (they are never overwritten).");
        }
    }

    /// <summary>
    /// The variables among <paramref name="variables"/> whose values differ, bit for bit, between rank 0 and any
    /// other rank (every rank gets the same list); empty when the replicas are identical.
    /// </summary>
    /// <exception cref="ArgumentException">A variable is listed twice.</exception>
    /// <exception cref="DistributedException">The ranks list different variables, or the collective failed.</exception>
    public IReadOnlyList<Variable> DivergentVariables(IEnumerable<Variable> variables)
    {
        var list = Distinct(variables, nameof(DivergentVariables));
        CheckSameVariables(list, nameof(DivergentVariables));
        var differ = DifferFromRoot(list);
        AllReduceSum(differ.AsSpan());
        return [.. list.Where((_, i) => differ[i] > 0)];
    }

    private static List<Variable> Distinct(IEnumerable<Variable> variables, string caller)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var list = new List<Variable>();
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        foreach (var v in variables)
        {
            ArgumentNullException.ThrowIfNull(v, nameof(variables));
            if (!seen.Add(v))
            {
                throw new ArgumentException($"{caller}: variable '{v.Name}' is listed twice.", nameof(variables));
            }

            list.Add(v);
        }

        return list;
    }

    private static bool FrozenElementsEqual(ReadOnlySpan<float> mine, ReadOnlySpan<float> root, ReadOnlySpan<float> mask)
    {
        var a = MemoryMarshal.Cast<float, int>(mine);
        var b = MemoryMarshal.Cast<float, int>(root);
        for (int i = 0; i < a.Length; i++)
        {
            if (mask[i] != 0f && a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>1 for each variable whose bits differ from rank 0's on this rank, else 0.</summary>
    private int[] DifferFromRoot(List<Variable> variables)
    {
        var digests = new byte[variables.Count * DigestBytes];
        for (int i = 0; i < variables.Count; i++)
        {
            SHA256.HashData(MemoryMarshal.AsBytes(variables[i].Value.AsReadOnlySpan()), digests.AsSpan(i * DigestBytes, DigestBytes));
        }

        var root = digests.ToArray();
        Broadcast(root.AsSpan());
        var differ = new int[variables.Count];
        for (int i = 0; i < variables.Count; i++)
        {
            differ[i] = root.AsSpan(i * DigestBytes, DigestBytes).SequenceEqual(digests.AsSpan(i * DigestBytes, DigestBytes)) ? 0 : 1;
        }

        return differ;
    }

    /// <summary>Fails on every rank when any rank lists other variables (names, shapes, freeze state) than rank 0.</summary>
    private void CheckSameVariables(List<Variable> variables, string caller)
    {
        var text = new StringBuilder();
        foreach (var v in variables)
        {
            text.Append(v.Name).Append(' ').Append(v.Shape).Append(v.Trainable ? " T" : " F").Append(v.FreezeMask is null ? "" : " M").Append('\n');
        }

        byte[] mine = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        byte[] root = mine.ToArray();
        Broadcast(root.AsSpan());
        int[] differ = [root.AsSpan().SequenceEqual(mine) ? 0 : 1];
        AllReduceSum(differ.AsSpan());
        if (differ[0] > 0)
        {
            throw new DistributedException(
                $"{caller}: {differ[0]} rank(s) list different variables than rank 0 (names, shapes, order or freeze state); "
                + $"this rank has {variables.Count}. Every rank must build the same model and freeze it the same way.");
        }
    }
}
