namespace Frost.Vision;

/// <summary>One batch read by <see cref="ImageBatchReader"/>.</summary>
/// <param name="Images">
/// [N, 3, Size, Size] RGB on the 0..255 scale; plain memory owned by no tape. Under
/// <see cref="ImagePipelineOptions.RecycleBatches"/> it is overwritten after the next batch is requested.
/// </param>
/// <param name="Labels">The label of each image.</param>
/// <param name="Indices">The dataset index of each image (skipped files are left out of all three).</param>
public sealed record ImageBatch(Tensor Images, int[] Labels, int[] Indices)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;
}
