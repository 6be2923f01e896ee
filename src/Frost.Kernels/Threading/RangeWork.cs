namespace Frost.Kernels.Threading;

/// <summary>
/// Work over independent items (planes, channels) split into contiguous ranges, one per task; the split depends only
/// on the item count and the thread count, so results are deterministic.
/// </summary>
internal abstract class RangeWork : IParallelWork
{
    // NOTE: memory-bound kernels gain little from a second thread below a few hundred thousand elements.
    private const long MinElementsPerTask = 1L << 17;

    private int _items;
    private int _tasks;

    /// <summary>Processes items [<paramref name="begin"/>, <paramref name="end"/>).</summary>
    protected abstract void Run(int begin, int end);

    /// <summary>Runs all <paramref name="items"/>, each touching about <paramref name="elementsPerItem"/> elements.</summary>
    protected void Dispatch(int items, long elementsPerItem)
    {
        if (items <= 0)
        {
            return;
        }

        long total = items * Math.Max(1, elementsPerItem);
        _items = items;
        _tasks = (int)Math.Clamp(total / MinElementsPerTask, 1, Math.Min(items, KernelOptions.MaxThreads));
        if (_tasks == 1)
        {
            Run(0, items);
        }
        else
        {
            WorkerPool.Run(this, _tasks);
        }
    }

    /// <inheritdoc/>
    public void Execute(int index) =>
        Run((int)((long)_items * index / _tasks), (int)((long)_items * (index + 1) / _tasks));
}
