namespace Frost.Kernels.Attention;

/// <summary>The sizes of one attention call: N items, H heads, Tq queries, Tk keys, Dh features per head.</summary>
internal readonly record struct AttentionShape(int Batch, int Heads, int QueryLength, int KeyLength, int HeadSize, float Scale)
{
    /// <summary>Row stride of the query, key, value and output matrices: H·Dh.</summary>
    public int Width => Heads * HeadSize;

    /// <summary>Floats in one [Tq, Tk] probability block.</summary>
    public long Block => (long)QueryLength * KeyLength;
}
