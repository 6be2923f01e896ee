namespace Frost.Vision.Tests;

/// <summary>In-memory images that record which examples were opened, can be slowed down, and can fail on chosen examples.</summary>
internal sealed class RecordingDataset : ImageDataset
{
    private readonly InMemoryImages _inner;
    private readonly object _lock = new();
    private readonly List<int> _opened = [];

    public RecordingDataset(int count, int classes = 3, int side = 12)
        : base(Enumerable.Range(0, count).Select(i => i % classes).ToArray(), Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray(), nameof(RecordingDataset))
    {
        var values = new float[count * 3 * side * side];
        var rng = new Rng(42);
        rng.FillUniform(values, 0, 255);
        _inner = new InMemoryImages(Tensor.Wrap(values, count, 3, side, side), Labels, ClassNames);
    }

    /// <summary>Delay per example.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Examples whose opening throws <see cref="ImageDecodeException"/>.</summary>
    public HashSet<int> Bad { get; } = [];

    /// <summary>Examples whose opening throws a plain exception (a bug, not a bad file).</summary>
    public HashSet<int> Broken { get; } = [];

    public IReadOnlyList<int> Opened
    {
        get
        {
            lock (_lock)
            {
                return [.. _opened];
            }
        }
    }

    public override string Describe(int index) => $"/data/example{index}.png";

    internal override ImageHandle Open(int index, DecodeContext context)
    {
        lock (_lock)
        {
            _opened.Add(index);
        }

        if (Delay > TimeSpan.Zero)
        {
            Thread.Sleep(Delay);
        }

        if (Bad.Contains(index))
        {
            throw new ImageDecodeException(Describe(index), "truncated: the file ends before the image data does");
        }

        if (Broken.Contains(index))
        {
            throw new InvalidOperationException($"broken example {index}");
        }

        return _inner.Open(index, context);
    }
}
