using Frost.Training;

namespace Frost.Distributed;

/// <summary>
/// Data-parallel training for a <see cref="Learner"/> over MPI: rank 0's values are broadcast before training,
/// and the gradients of trainable variables are averaged in buckets while the backward pass runs. Frozen
/// variables and frozen elements are never communicated.
/// </summary>
/// <example>
/// <code>
/// using var communicator = Communicator.Initialize();
/// using var parallel = new DataParallel(communicator);
/// var learner = new Learner(model, train, optimizer, validation) { BatchSize = 32, DataParallel = parallel };
/// learner.Fit(5);   // each rank trains on its 32 of every 32 × ranks examples
/// </code>
/// </example>
public sealed class DataParallel : IDataParallel, IDisposable
{
    private readonly GradientBucketReducer _reducer;

    /// <summary>Creates the bridge over <paramref name="communicator"/>, with buckets of <paramref name="bucketBytes"/>.</summary>
    public DataParallel(Communicator communicator, int bucketBytes = GradientBucketReducer.DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        Communicator = communicator;
        _reducer = new GradientBucketReducer(communicator, bucketBytes);
    }

    /// <summary>The communicator.</summary>
    public Communicator Communicator { get; }

    /// <inheritdoc/>
    public int Rank => Communicator.Rank;

    /// <inheritdoc/>
    public int Size => Communicator.Size;

    /// <summary>What the last step communicated (bytes, buckets, time spent waiting).</summary>
    public ReductionStatistics LastStep => _reducer.LastStep;

    /// <summary>Bytes all-reduced over every step so far.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Optimizer steps reduced so far.</summary>
    public int Steps => _reducer.Steps;

    /// <inheritdoc/>
    public void Synchronize(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);

        // Parameters through the checked broadcast (frozen ones compared, not sent); state values as they are.
        Communicator.BroadcastVariables(variables.Where(v => v.Kind == VariableKind.Parameter));
        foreach (var v in variables.Where(v => v.Kind == VariableKind.State))
        {
            Communicator.Broadcast(v.Value.AsSpan());
        }
    }

    /// <inheritdoc/>
    public void Add(Variable variable, Tensor gradient) => _reducer.Add(variable, gradient);

    /// <inheritdoc/>
    public void CompleteStep()
    {
        var stats = _reducer.Complete();
        TotalBytes += stats.Bytes;
    }

    /// <inheritdoc/>
    public void AllReduceSum(Span<double> values) => Communicator.AllReduceSum(values);

    /// <summary>Releases the reducer's buffers (the communicator stays open).</summary>
    public void Dispose() => _reducer.Dispose();
}
