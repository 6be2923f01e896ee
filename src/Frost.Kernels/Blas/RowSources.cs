namespace Frost.Kernels.Blas;

/// <summary>Where row <c>i</c> of an operand starts; lets packing read dense matrices and pointer tables alike.</summary>
internal unsafe interface IRowSource
{
    /// <summary>Pointer to the first element of row <paramref name="i"/>.</summary>
    float* Row(int i);
}

/// <summary>Rows of a dense row-major matrix: <c>start + i·ld</c>.</summary>
internal readonly unsafe struct StridedRows(float* start, nint ld) : IRowSource
{
    /// <inheritdoc/>
    public float* Row(int i) => start + i * ld;
}

/// <summary>Rows given by a pointer table, each shifted by a common offset: <c>table[i] + offset</c>.</summary>
internal readonly unsafe struct TableRows(float** table, nint offset) : IRowSource
{
    /// <inheritdoc/>
    public float* Row(int i) => table[i] + offset;
}
