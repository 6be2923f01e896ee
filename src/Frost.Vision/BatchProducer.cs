using System.Runtime.ExceptionServices;

namespace Frost.Vision;

/// <summary>
/// Background workers that build the batches of one pass over an index order. Workers claim example
/// positions in order, but only in batches fewer than <see cref="ImagePipelineOptions.Prefetch"/> ahead of
/// the batches handed out, so memory stays bounded; the consumer receives batches in order. A failure
/// stops the claiming; the consumer gets every batch before the first failing example, then its exception.
/// </summary>
internal sealed class BatchProducer : IDisposable
{
    private readonly object _lock = new();
    private readonly ImageBatchReader _reader;
    private readonly int[] _order;
    private readonly int _batchSize;
    private readonly int _batches;
    private readonly bool _augment;
    private readonly int _epoch;
    private readonly int _imageFloats;
    private readonly int _prefetch;
    private readonly Slot?[] _slots;
    private readonly bool _recycle;
    private readonly List<float[]> _free = [];
    private float[]? _handedOut;
    private readonly CancellationToken _cancellation;
    private readonly Thread[] _threads;
    private CancellationTokenRegistration _registration;
    private int _next;
    private int _consumed;
    private int _inFlight;
    private int _liveWorkers;
    private int _failedAt = int.MaxValue;
    private ExceptionDispatchInfo? _failure;
    private bool _stopping;

    public BatchProducer(ImageBatchReader reader, int[] order, int batchSize, bool augment, int epoch, CancellationToken cancellation)
    {
        var o = reader.Options;
        _reader = reader;
        _order = order;
        _batchSize = batchSize;
        _batches = (order.Length + batchSize - 1) / batchSize;
        _augment = augment;
        _epoch = epoch;
        _imageFloats = 3 * o.Size * o.Size;
        _prefetch = o.Prefetch;
        _slots = new Slot?[_batches];
        _recycle = o.RecycleBatches;
        _cancellation = cancellation;
        _threads = new Thread[Math.Min(o.Workers, Math.Max(1, order.Length))];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"Frost.Vision reader {i}" };
        }
    }

    /// <summary>Highest batch index any worker has started, for tests of the prefetch bound.</summary>
    internal int HighestClaimedBatch { get; private set; } = -1;

    /// <summary>Batches handed to the consumer so far.</summary>
    internal int Consumed
    {
        get
        {
            lock (_lock)
            {
                return _consumed;
            }
        }
    }

    public void Start()
    {
        _registration = _cancellation.Register(() =>
        {
            lock (_lock)
            {
                Monitor.PulseAll(_lock);
            }
        });
        _liveWorkers = _threads.Length;
        foreach (var t in _threads)
        {
            t.Start();
        }
    }

    /// <summary>The next non-empty batch in order, or null after the last.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ImageBatch? Next()
    {
        while (true)
        {
            int b;
            Slot slot;
            lock (_lock)
            {
                if (_handedOut is not null)
                {
                    // The consumer asked for the next batch: under RecycleBatches the last one's memory is free again.
                    _free.Add(_handedOut);
                    _handedOut = null;
                }

                b = _consumed;
                if (b >= _batches)
                {
                    return null;
                }

                while (true)
                {
                    _cancellation.ThrowIfCancellationRequested();
                    bool settled = _inFlight == 0 || _liveWorkers == 0;
                    if (_failure is not null && _failedAt < (b + 1) * _batchSize)
                    {
                        // The batch holds a failed example: once nothing runs, no earlier failure can still appear.
                        if (settled)
                        {
                            _failure.Throw();
                        }
                    }
                    else if (_slots[b] is { Pending: 0 } ready)
                    {
                        slot = ready;
                        break;
                    }
                    else if (_failure is not null && settled)
                    {
                        _failure.Throw();
                    }

                    if (_liveWorkers == 0)
                    {
                        throw new InvalidOperationException($"ImageBatchReader: the workers stopped before batch {b} was complete.");
                    }

                    Monitor.Wait(_lock);
                }

                _slots[b] = null;
                _consumed++;
                Monitor.PulseAll(_lock);
            }

            var (batch, data) = Assemble(b, slot);
            if (_recycle)
            {
                lock (_lock)
                {
                    // A batch that lost skipped images was copied to a shorter array, which is not worth keeping.
                    if (batch.Count > 0 && ReferenceEquals(data, slot.Data))
                    {
                        _handedOut = data;
                    }
                    else
                    {
                        _free.Add(slot.Data);
                    }
                }
            }

            if (batch.Count > 0)
            {
                return batch;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.PulseAll(_lock);
        }

        foreach (var t in _threads)
        {
            if (t.ThreadState != ThreadState.Unstarted)
            {
                t.Join();
            }
        }

        _registration.Dispose();
        if (_recycle)
        {
            // Buffers no batch in the consumer's hands uses (a batch taken last before an early exit may still be read).
            _reader.ReturnBuffers([.. _free, .. _slots.OfType<Slot>().Select(s => s.Data)]);
        }
    }

    private void Work()
    {
        var context = new DecodeContext(_reader.Options);
        try
        {
            while (Claim() is (int p, Slot slot))
            {
                Build(p, slot, context);
            }
        }
        catch (Exception e)
        {
            // Only an allocation failure can land here; examples report their own errors in Build.
            Fail(int.MaxValue - 1, e);
        }
        finally
        {
            lock (_lock)
            {
                _liveWorkers--;
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>The next position to build and its batch's slot, or null when this worker should stop.</summary>
    private (int Position, Slot Slot)? Claim()
    {
        lock (_lock)
        {
            while (true)
            {
                if (_stopping || _failure is not null || _cancellation.IsCancellationRequested || _next >= _order.Length)
                {
                    return null;
                }

                if (_next / _batchSize < _consumed + _prefetch)
                {
                    break;
                }

                Monitor.Wait(_lock);
            }

            int p = _next++;
            int b = p / _batchSize;
            HighestClaimedBatch = Math.Max(HighestClaimedBatch, b);
            var slot = _slots[b] ??= NewSlot(Math.Min(_batchSize, _order.Length - b * _batchSize));
            _inFlight++;
            return (p, slot);
        }
    }

    private void Build(int p, Slot slot, DecodeContext context)
    {
        int index = _order[p], offset = p % _batchSize;
        string? skipped = null;
        Exception? error = null;
        if (_reader.IsKnownBad(index))
        {
            skipped = "";
        }
        else
        {
            try
            {
                ExampleTransform.Build(_reader.Dataset, index, _augment, _epoch, context, slot.Data.AsSpan(offset * _imageFloats, _imageFloats));
            }
            catch (ImageDecodeException e) when (_reader.Options.BadImages == BadImagePolicy.Skip)
            {
                skipped = e.Message;
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                context.Trim();
            }
        }

        lock (_lock)
        {
            _inFlight--;
            if (skipped is not null)
            {
                (slot.Skipped ??= new string?[slot.Count])[offset] = skipped;
            }

            slot.Pending--;
            if (error is not null)
            {
                Fail(p, error);
            }

            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>A slot for <paramref name="count"/> images, on a recycled buffer when one of the right length is free.</summary>
    private Slot NewSlot(int count)
    {
        int length = count * _imageFloats;
        int i = _free.FindIndex(f => f.Length == length);
        if (i >= 0)
        {
            var buffer = _free[i];
            _free.RemoveAt(i);
            return new Slot(count, buffer);
        }

        return new Slot(count, (_recycle ? _reader.TakeBuffer(length) : null) ?? GC.AllocateUninitializedArray<float>(length));
    }

    private void Fail(int position, Exception error)
    {
        lock (_lock)
        {
            if (position < _failedAt)
            {
                _failedAt = position;
                _failure = ExceptionDispatchInfo.Capture(error);
            }

            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Wraps a finished slot as a batch (and the array its images use), leaving out skipped examples and reporting them.</summary>
    private (ImageBatch Batch, float[] Data) Assemble(int b, Slot slot)
    {
        int start = b * _batchSize, n = slot.Count;
        var indices = _order.AsSpan(start, n).ToArray();
        var data = slot.Data;
        if (slot.Skipped is { } skipped)
        {
            var keep = new List<int>(n);
            for (int i = 0; i < n; i++)
            {
                if (skipped[i] is null)
                {
                    keep.Add(i);
                }
                else
                {
                    _reader.ReportSkip(indices[i], skipped[i]!);
                }
            }

            data = new float[keep.Count * _imageFloats];
            for (int k = 0; k < keep.Count; k++)
            {
                slot.Data.AsSpan(keep[k] * _imageFloats, _imageFloats).CopyTo(data.AsSpan(k * _imageFloats));
            }

            indices = [.. keep.Select(i => indices[i])];
            n = keep.Count;
        }

        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = _reader.Dataset.Labels[indices[i]];
        }

        int size = _reader.Options.Size;
        return (new ImageBatch(Tensor.Wrap(data, n, 3, size, size), labels, indices), data);
    }

    /// <summary>One batch under construction.</summary>
    private sealed class Slot(int count, float[] data)
    {
        public int Count { get; } = count;

        /// <summary>Every element is written before the batch is handed out (skipped images are cut out).</summary>
        public float[] Data { get; } = data;

        public int Pending { get; set; } = count;

        /// <summary>Per position: null = built, "" = known bad (silent), else the one-line reason.</summary>
        public string?[]? Skipped { get; set; }
    }
}
