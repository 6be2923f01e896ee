using System.Diagnostics;
using System.Numerics.Tensors;
using Frost.Optimizers;

namespace Frost.Distributed;

/// <summary>
/// Averages gradients over the ranks of a data-parallel job while the backward pass is still running. Give it
/// each trainable variable's gradient as soon as it is final (<see cref="Add"/>, e.g. from a per-variable
/// "gradient ready" callback); it copies gradients into flat buckets of about <see cref="BucketBytes"/> and
/// starts a non-blocking all-reduce for each bucket as it fills, so communication overlaps the rest of the
/// backward pass. At the end of the step <see cref="Complete"/> waits for the buckets and overwrites each
/// gradient with its average over the ranks.
/// </summary>
/// <remarks>
/// <para>
/// Only what arrives is communicated: frozen variables receive no gradient and never arrive (one that does is
/// an error), and the frozen elements of a masked variable (<see cref="Variable.FreezeMask"/>) are left out
/// of the bucket; their gradient elements are set to zero by <see cref="Complete"/>.
/// </para>
/// <para>
/// Every rank must add the same variables, with the same masks, in the same order: true when the ranks run
/// the same model, since the backward pass visits it in a fixed order. Buckets are laid out in arrival order
/// (a variable never spans two buckets; one larger than a bucket gets its own) and the layout of the last step
/// is reused, so a bucket starts the moment its last gradient arrives. <see cref="Complete"/> checks that all
/// ranks used the same layout and fails on every rank if not.
/// </para>
/// <para>
/// The gradient tensors must stay alive until <see cref="Complete"/> returns (call it before the tape that
/// computed them is disposed). The reducer keeps one flat copy of the gradients it reduces, in buckets reused
/// from step to step. Use it from one thread.
/// </para>
/// </remarks>
public sealed class GradientBucketReducer : IDisposable
{
    /// <summary>The default bucket size: 4 MiB (1,048,576 gradient elements).</summary>
    public const int DefaultBucketBytes = 4 << 20;

    private readonly Communicator _communicator;
    private readonly int _bucketElements;
    private readonly List<Bucket> _buckets = [];
    private readonly List<Entry> _entries = [];
    private readonly HashSet<Variable> _added = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Variable, VariableInfo> _info = new(ReferenceEqualityComparer.Instance);
    private readonly List<PlanEntry> _plan = [];
    private bool _followingPlan;
    private int _current;
    private int _oldestInFlight;
    private bool _disposed;

    /// <summary>Creates a reducer over <paramref name="communicator"/>'s ranks.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bucketBytes"/> is below 4 (one element).</exception>
    public GradientBucketReducer(Communicator communicator, int bucketBytes = DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBytes, sizeof(float));
        _communicator = communicator;
        BucketBytes = bucketBytes;
        _bucketElements = bucketBytes / sizeof(float);
    }

    /// <summary>The size at which a bucket is sent (a variable larger than this is sent alone).</summary>
    public int BucketBytes { get; }

    /// <summary>Variables added since the last <see cref="Complete"/>.</summary>
    public int Pending => _entries.Count;

    /// <summary>Steps completed so far.</summary>
    public int Steps { get; private set; }

    /// <summary>What the last completed step communicated.</summary>
    public ReductionStatistics LastStep { get; private set; }

    /// <summary>
    /// Takes the final gradient of a trainable variable for this step: copies it (its trainable elements) into
    /// the current bucket, and starts that bucket's all-reduce once it is full.
    /// </summary>
    /// <exception cref="FrozenVariableException"><paramref name="variable"/> is frozen.</exception>
    /// <exception cref="ArgumentException">The gradient's shape differs from the variable's, the gradient is a
    /// variable's value, or the variable was already added this step.</exception>
    /// <exception cref="DistributedException">An all-reduce could not be started.</exception>
    public void Add(Variable variable, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(variable);
        ArgumentNullException.ThrowIfNull(gradient);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!variable.Trainable)
        {
            throw new FrozenVariableException(variable, "GradientBucketReducer.Add (frozen variables get no gradient and are never communicated)");
        }

        if (gradient.Shape != variable.Shape)
        {
            throw new ArgumentException($"GradientBucketReducer.Add: gradient of shape {gradient.Shape} for variable '{variable.Name}' of shape {variable.Shape}.", nameof(gradient));
        }

        if (gradient.Variable is { } owner)
        {
            throw new ArgumentException($"GradientBucketReducer.Add: the gradient given for '{variable.Name}' is the value of variable '{owner.Name}', which Complete would overwrite.", nameof(gradient));
        }

        if (!_added.Add(variable))
        {
            throw new ArgumentException($"GradientBucketReducer.Add: variable '{variable.Name}' was already added this step; call Complete first.", nameof(variable));
        }

        var info = Info(variable);
        int count = info.Count;
        int index = _entries.Count;
        if (_followingPlan && (index >= _plan.Count || !ReferenceEquals(_plan[index].Variable, variable) || _plan[index].Count != count))
        {
            _followingPlan = false;
        }

        var bucket = BucketFor(count);
        Pack(gradient.AsReadOnlySpan(), info.Runs, bucket.Data.AsSpan(bucket.Used, count));
        _entries.Add(new Entry(variable, gradient, info, _current, bucket.Used));
        bucket.Used += count;
        if (_followingPlan ? _plan[index].EndsBucket : bucket.Used >= _bucketElements)
        {
            Launch();
        }
        else
        {
            // A cheap nudge for libraries that move data only inside MPI calls, on top of the progress thread.
            while (_oldestInFlight < _current && (_buckets[_oldestInFlight].Request?.IsCompleted ?? true))
            {
                _oldestInFlight++;
            }

            if (_oldestInFlight < _current)
            {
                _buckets[_oldestInFlight].Request!.Test();
            }
        }
    }

    /// <summary>
    /// Ends the step: sends the last bucket, waits for every all-reduce, checks that all ranks sent the same
    /// layout, and overwrites each added gradient with its average over the ranks (zero at frozen elements).
    /// Returns what the step communicated; a step with nothing added communicates nothing.
    /// </summary>
    /// <exception cref="DistributedException">An all-reduce failed or timed out, or the ranks added different
    /// variables (no gradient is changed then).</exception>
    /// <exception cref="InvalidOperationException">A gradient was released (its tape disposed) before Complete.</exception>
    public ReductionStatistics Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            if (_current < _buckets.Count && _buckets[_current].Used > 0)
            {
                Launch();
            }

            long waitStart = Stopwatch.GetTimestamp();
            for (int b = 0; b < _current; b++)
            {
                _buckets[b].Request?.Wait();
            }

            var wait = Stopwatch.GetElapsedTime(waitStart);
            CheckSameLayout();
            long elements = 0;
            foreach (var e in _entries)
            {
                if (e.Gradient.IsReleased)
                {
                    throw new InvalidOperationException(
                        $"GradientBucketReducer.Complete: the gradient of '{e.Variable.Name}' was released before Complete; call Complete before disposing the tape that computed it.");
                }

                Unpack(_buckets[e.Bucket].Data.AsSpan(e.Offset, e.Info.Count), e.Info.Runs, e.Gradient.AsSpan(), _communicator.Size);
                elements += e.Info.Count;
            }

            if (!_followingPlan || _entries.Count != _plan.Count)
            {
                RecordPlan();
            }

            Steps++;
            LastStep = new ReductionStatistics(_entries.Count, elements, _current, wait);
            return LastStep;
        }
        finally
        {
            StartStep();
        }
    }

    /// <summary>Waits for any all-reduce still in flight (its memory is in use), then drops the buckets.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            for (int b = 0; b < _current; b++)
            {
                _buckets[b].Request?.Wait();
            }
        }
        finally
        {
            _buckets.Clear();
            _entries.Clear();
            _disposed = true;
        }
    }

    private static void Pack(ReadOnlySpan<float> gradient, int[]? runs, Span<float> destination)
    {
        if (runs is null)
        {
            gradient.CopyTo(destination);
            return;
        }

        int k = 0;
        for (int r = 0; r < runs.Length; r += 2)
        {
            int start = runs[r], length = runs[r + 1];
            gradient.Slice(start, length).CopyTo(destination.Slice(k, length));
            k += length;
        }
    }

    private static void Unpack(ReadOnlySpan<float> sums, int[]? runs, Span<float> gradient, int ranks)
    {
        if (runs is null)
        {
            TensorPrimitives.Divide(sums, ranks, gradient);
            return;
        }

        gradient.Clear();
        int k = 0;
        for (int r = 0; r < runs.Length; r += 2)
        {
            int start = runs[r], length = runs[r + 1];
            TensorPrimitives.Divide(sums.Slice(k, length), ranks, gradient.Slice(start, length));
            k += length;
        }
    }

    /// <summary>Start and length pairs of the trainable (mask 0) elements.</summary>
    private static int[] TrainableRuns(ReadOnlySpan<float> mask)
    {
        var runs = new List<int>();
        for (int i = 0; i < mask.Length;)
        {
            if (mask[i] != 0f)
            {
                i++;
                continue;
            }

            int start = i;
            while (i < mask.Length && mask[i] == 0f)
            {
                i++;
            }

            runs.Add(start);
            runs.Add(i - start);
        }

        return [.. runs];
    }

    private VariableInfo Info(Variable variable)
    {
        var mask = variable.FreezeMask;
        if (_info.TryGetValue(variable, out var info) && ReferenceEquals(info.Mask, mask))
        {
            return info;
        }

        int[]? runs = mask is null ? null : TrainableRuns(mask.AsReadOnlySpan());
        int count = runs is null ? variable.Shape.Size : Enumerable.Range(0, runs.Length / 2).Sum(r => runs[2 * r + 1]);
        info = new VariableInfo(mask, runs, count, NameHash(variable.Name));
        _info[variable] = info;
        return info;
    }

    private static int NameHash(string name)
    {
        // FNV-1a: stable across processes and runs, unlike string.GetHashCode.
        uint h = 2166136261;
        foreach (char c in name)
        {
            h = (h ^ c) * 16777619;
        }

        return (int)h;
    }

    /// <summary>The bucket that takes <paramref name="count"/> more elements, sending the current one if it cannot.</summary>
    private Bucket BucketFor(int count)
    {
        if (_current < _buckets.Count && _buckets[_current].Used > 0 && _buckets[_current].Used + count > _bucketElements)
        {
            Launch();
        }

        if (_current == _buckets.Count)
        {
            _buckets.Add(new Bucket());
        }

        var bucket = _buckets[_current];
        int need = bucket.Used + count;
        if (bucket.Data.Length < need)
        {
            // Grows only while filling (never in flight); reused from step to step, so steady state allocates nothing.
            var data = GC.AllocateUninitializedArray<float>(Math.Max(need, Math.Min(_bucketElements, 2 * bucket.Data.Length)), pinned: true);
            bucket.Data.AsSpan(0, bucket.Used).CopyTo(data);
            bucket.Data = data;
        }

        return bucket;
    }

    private void Launch()
    {
        var bucket = _buckets[_current];
        bucket.Request = bucket.Used == 0 ? null : _communicator.StartAllReduceSum(bucket.Data.AsMemory(0, bucket.Used));
        _current++;
    }

    /// <summary>Fails on every rank unless all ranks reduced the same variables, element counts and order.</summary>
    private void CheckSameLayout()
    {
        if (_communicator.Size == 1)
        {
            return;
        }

        uint h = 2166136261;
        foreach (var e in _entries)
        {
            h = (h ^ (uint)e.Info.NameHash) * 16777619;
            h = (h ^ (uint)e.Info.Count) * 16777619;
        }

        int fingerprint = (int)(h & 0x7fffffff);
        Span<int> extremes = [fingerprint, -fingerprint];
        _communicator.AllReduceMax(extremes);
        if (extremes[0] != -extremes[1])
        {
            throw new DistributedException(
                $"GradientBucketReducer.Complete: the ranks added different gradients this step (this rank: {_entries.Count} variables); "
                + "every rank must run the same model with the same freeze state. No gradient was changed.");
        }
    }

    private void RecordPlan()
    {
        _plan.Clear();
        for (int i = 0; i < _entries.Count; i++)
        {
            var e = _entries[i];
            bool ends = i == _entries.Count - 1 || _entries[i + 1].Bucket != e.Bucket;
            _plan.Add(new PlanEntry(e.Variable, e.Info.Count, ends));
        }
    }

    private void StartStep()
    {
        for (int b = 0; b < _buckets.Count; b++)
        {
            _buckets[b].Used = 0;
            _buckets[b].Request = null;
        }

        _entries.Clear();
        _added.Clear();
        _current = 0;
        _oldestInFlight = 0;
        _followingPlan = _plan.Count > 0;
    }

    private sealed class Bucket
    {
        public float[] Data = [];
        public int Used;
        public CollectiveRequest? Request;
    }

    private readonly record struct Entry(Variable Variable, Tensor Gradient, VariableInfo Info, int Bucket, int Offset);

    private readonly record struct PlanEntry(Variable Variable, int Count, bool EndsBucket);

    private sealed record VariableInfo(Tensor? Mask, int[]? Runs, int Count, int NameHash);
}
