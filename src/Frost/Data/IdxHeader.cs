namespace Frost.Data;

/// <summary>The header of an IDX file: element type and dimensions, outermost first.</summary>
/// <param name="Type">The element type.</param>
/// <param name="Dims">The dimensions (for images: count, rows, columns).</param>
public sealed record IdxHeader(IdxType Type, IReadOnlyList<int> Dims)
{
    /// <summary>Number of elements the file holds.</summary>
    public long Count => Dims.Aggregate(1L, (a, b) => a * b);
}
