using Frost.Data;

namespace Frost.Vision;

/// <summary>
/// An <see cref="ImageDataset"/> as a <see cref="IDataset"/> a <see cref="Training.Learner"/> trains on: every
/// read decodes and transforms on the background workers of an <see cref="ImageBatchReader"/>, so memory holds
/// a bounded number of batches whatever the number of images. Training reads are augmented with
/// <see cref="ImagePipelineOptions.Augmentation"/>; evaluation reads get the evaluation transform.
/// </summary>
/// <remarks>
/// Under <see cref="BadImagePolicy.Skip"/> a batch leaves out its bad files (its labels and indices say which
/// examples it holds); a batch whose every file is bad is not yielded.
/// </remarks>
public sealed class StreamingImageDataset : IDataset
{
    /// <summary>Wraps <paramref name="images"/>, read with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range, or there are fewer than two classes.</exception>
    public StreamingImageDataset(ImageDataset images, ImagePipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        if (images.ClassNames.Count < 2)
        {
            throw new ArgumentException($"StreamingImageDataset: {images.ClassNames.Count} class(es); a classifier needs at least 2.");
        }

        Reader = new ImageBatchReader(images, options);
    }

    /// <summary>The reader that decodes the batches (its <see cref="ImageBatchReader.SkippedExamples"/> lists bad files left out).</summary>
    public ImageBatchReader Reader { get; }

    /// <summary>The examples.</summary>
    public ImageDataset Images => Reader.Dataset;

    /// <inheritdoc/>
    public int Count => Images.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => Images.ClassNames;

    /// <inheritdoc/>
    public bool AugmentsTraining => !Reader.Options.Augmentation.IsIdentity;

    /// <inheritdoc/>
    public int LabelOf(int index) => Images.Labels[index];

    /// <inheritdoc/>
    public IEnumerable<DataBatch> Read(IReadOnlyList<int[]> batches, bool training, int epoch)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Iterate([.. batches], training, epoch);
    }

    private IEnumerable<DataBatch> Iterate(int[][] batches, bool training, int epoch)
    {
        // One pass of the reader over the concatenated order keeps the workers busy across batch boundaries; it
        // cuts batches of one size, so a run of equal batches (all but possibly a shorter last) goes in one pass.
        int start = 0;
        while (start < batches.Length)
        {
            int size = batches[start].Length;
            int end = start + 1;
            while (end < batches.Length && batches[end].Length == size)
            {
                end++;
            }

            if (end < batches.Length && end == batches.Length - 1 && batches[end].Length < size)
            {
                end++;
            }

            if (size == 0)
            {
                start = end;
                continue;
            }

            var order = batches[start..end].SelectMany(b => b).ToArray();
            foreach (var b in Reader.Read(order, size, training, epoch))
            {
                yield return new DataBatch([b.Images], b.Labels, b.Indices);
            }

            start = end;
        }
    }
}
