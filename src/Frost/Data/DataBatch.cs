namespace Frost.Data;

/// <summary>One batch read from an <see cref="IDataset"/>: the model's inputs, the labels, and the example indices.</summary>
/// <param name="Inputs">The model's inputs, batch first (one tensor for images; ids and mask for texts).</param>
/// <param name="Labels">The label of each example.</param>
/// <param name="Indices">The example indices, in batch order.</param>
public sealed record DataBatch(IReadOnlyList<Tensor> Inputs, int[] Labels, int[] Indices);
