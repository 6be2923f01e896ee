using System.Collections.Concurrent;

namespace Frost.Vision;

/// <summary>
/// Reads a dataset in batches of [N, 3, Size, Size] RGB floats on the 0..255 scale, decoding and
/// transforming on background workers a bounded number of batches ahead (see <see cref="ImagePipelineOptions"/>).
/// </summary>
/// <remarks>
/// Batches come in the requested order and are the same whatever the worker count: with augmentation the
/// random draws of example i in epoch e depend only on (<see cref="ImagePipelineOptions.Seed"/>, e, i), so a
/// resumed run reproduces them. Images are plain managed memory owned by no tape.
/// </remarks>
public sealed class ImageBatchReader
{
    private readonly ConcurrentDictionary<int, byte> _skipped = new();
    private readonly List<float[]> _buffers = [];

    /// <summary>Creates a reader of <paramref name="dataset"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public ImageBatchReader(ImageDataset dataset, ImagePipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        Options = options ?? new ImagePipelineOptions();
        Options.Validate();
    }

    /// <summary>The dataset read.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>The options in force.</summary>
    public ImagePipelineOptions Options { get; }

    /// <summary>Examples left out so far under <see cref="BadImagePolicy.Skip"/> (never retried), in ascending order.</summary>
    public IReadOnlyList<int> SkippedExamples => [.. _skipped.Keys.Order()];

    /// <summary>
    /// The examples of <paramref name="order"/> in batches of <paramref name="batchSize"/> (the last may be
    /// shorter; under <see cref="BadImagePolicy.Skip"/> batches lose their bad files and empty ones are not
    /// yielded). Workers start when enumeration starts and stop when it ends, fails or is cancelled.
    /// </summary>
    /// <param name="order">Dataset indices, in the order wanted (an epoch's shuffle).</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="augment">Apply <see cref="ImagePipelineOptions.Augmentation"/> (training); otherwise the evaluation transform.</param>
    /// <param name="epoch">The epoch number, which with the seed and the index fixes each example's augmentation.</param>
    /// <param name="cancellationToken">Stops the workers; the enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">An index is out of range or the batch size is not positive.</exception>
    /// <exception cref="ImageDecodeException">While enumerating, under <see cref="BadImagePolicy.Fail"/>: the first bad file in order.</exception>
    public IEnumerable<ImageBatch> Read(IReadOnlyList<int> order, int batchSize, bool augment, int epoch = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        int[] copy = [.. order];
        for (int i = 0; i < copy.Length; i++)
        {
            if ((uint)copy[i] >= (uint)Dataset.Count)
            {
                throw new ArgumentException($"ImageBatchReader.Read: order[{i}] = {copy[i]} is outside 0..{Dataset.Count - 1}.", nameof(order));
            }
        }

        return Iterate(copy, batchSize, augment, epoch, cancellationToken);
    }

    /// <summary>Example <paramref name="index"/> as [3, Size, Size], built on the calling thread.</summary>
    /// <exception cref="ImageDecodeException">The image cannot be used, whatever the policy.</exception>
    public Tensor ReadExample(int index, bool augment = false, int epoch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Dataset.Count);
        int size = Options.Size;
        var data = new float[3 * size * size];
        ExampleTransform.Build(Dataset, index, augment, epoch, new DecodeContext(Options), data);
        return Tensor.Wrap(data, 3, size, size);
    }

    internal bool IsKnownBad(int index) => _skipped.ContainsKey(index);

    /// <summary>A batch buffer of exactly <paramref name="length"/> floats left by an earlier pass, or null.</summary>
    internal float[]? TakeBuffer(int length)
    {
        lock (_buffers)
        {
            int i = _buffers.FindIndex(b => b.Length == length);
            if (i < 0)
            {
                return null;
            }

            var buffer = _buffers[i];
            _buffers.RemoveAt(i);
            return buffer;
        }
    }

    /// <summary>Keeps buffers of a finished pass for the next one (under <see cref="ImagePipelineOptions.RecycleBatches"/>), at most Prefetch + 2.</summary>
    internal void ReturnBuffers(IEnumerable<float[]> buffers)
    {
        lock (_buffers)
        {
            foreach (var b in buffers)
            {
                if (_buffers.Count < Options.Prefetch + 2)
                {
                    _buffers.Add(b);
                }
            }
        }
    }

    /// <summary>Records a skipped example and warns the first time.</summary>
    internal void ReportSkip(int index, string message)
    {
        if (_skipped.TryAdd(index, 0) && message.Length > 0)
        {
            Options.OnWarning?.Invoke($"{message} (skipped)");
        }
    }

    /// <summary>The producer of the last enumeration started, for tests.</summary>
    internal BatchProducer? LastProducer { get; private set; }

    private IEnumerable<ImageBatch> Iterate(int[] order, int batchSize, bool augment, int epoch, CancellationToken cancellationToken)
    {
        using var producer = new BatchProducer(this, order, batchSize, augment, epoch, cancellationToken);
        LastProducer = producer;
        producer.Start();
        while (producer.Next() is { } batch)
        {
            yield return batch;
        }
    }
}
