using System.Diagnostics;
using System.Text.Json;
using Frost.Data;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Training;

/// <summary>
/// Fine-tunes a classifier: owns the model, the data, the loss, the optimizer and the freezing schedule, and runs
/// epochs with evaluation, callbacks, gradient accumulation, a cache of the frozen prefix's outputs, and
/// checkpoints that resume exactly. The learner switches between training and inference mode itself; evaluation
/// runs in inference mode and never changes the model.
/// </summary>
/// <example>
/// <code>
/// var learner = new Learner(model, train, new AdamW(1e-3f), validation)
/// {
///     BatchSize = 64,
///     Callbacks = { new EarlyStopping(patience: 3), new CsvMetricsLog("runs/a/metrics.csv") },
/// };
/// new FreezePlan(model).TrainOnly(Selector.Glob("head/**")).Apply(learner.Optimizer);
/// var result = learner.Fit(epochs: 5);
/// </code>
/// </example>
public sealed class Learner
{
    /// <summary>The metadata key of the learner's state in its checkpoints.</summary>
    public const string StateKey = "learner";

    private readonly List<EpochMetrics> _history = [];
    private FeatureCache? _cache;
    private Dictionary<Variable, Tensor>? _accumulators;

    /// <summary>Creates a learner.</summary>
    /// <exception cref="ArgumentException">The datasets disagree on the classes.</exception>
    public Learner(Layer model, IDataset train, Optimizer optimizer, IDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (validation is not null && !validation.ClassNames.SequenceEqual(train.ClassNames))
        {
            throw new ArgumentException($"Learner: the validation classes ({string.Join(", ", validation.ClassNames)}) differ from the training classes ({string.Join(", ", train.ClassNames)}).", nameof(validation));
        }

        Model = model;
        Train = train;
        Optimizer = optimizer;
        Validation = validation;
    }

    /// <summary>The model: maps a batch's inputs to logits [N, classes].</summary>
    public Layer Model { get; }

    /// <summary>The training set.</summary>
    public IDataset Train { get; }

    /// <summary>The validation set evaluated after every epoch, or null.</summary>
    public IDataset? Validation { get; }

    /// <summary>The optimizer (its schedule counts optimizer steps).</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Examples per batch (per micro-batch with accumulation).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Examples per batch in evaluation.</summary>
    public int EvaluationBatchSize { get; init; } = 256;

    /// <summary>
    /// Micro-batches whose gradients are summed before one optimizer step (weighted by their sizes, so the step
    /// equals that of one batch k times larger, up to float rounding).
    /// </summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>The seed of the batch order (and of anything else the learner draws).</summary>
    public ulong Seed { get; init; }

    /// <summary>Chooses each epoch's batches; shuffled batches from <see cref="Seed"/> when null.</summary>
    public IBatchSampler? Sampler { get; init; }

    /// <summary>The loss of logits against labels (mean over the batch); cross-entropy by default.</summary>
    public Func<Tensor, int[], Tensor> Loss { get; init; } = Ops.CrossEntropy;

    /// <summary>The k of top-k accuracy.</summary>
    public int TopK { get; init; } = 5;

    /// <summary>When groups start to train (fine-tune head first, gradual unfreezing), or null to keep the flags.</summary>
    public UnfreezeSchedule? Unfreezing { get; set; }

    /// <summary>
    /// Whether the outputs of a frozen, deterministic leading part of a model (a <see cref="Sequential"/> or another <see cref="Block"/>) are computed
    /// once per example and reused (never when the training set augments). On by default.
    /// </summary>
    public bool CacheFrozenPrefix { get; init; } = true;

    /// <summary>Bytes of cached features kept in memory; beyond it they go to a temporary memory-mapped file.</summary>
    public long CacheMemoryBudget { get; init; } = 1L << 30;

    /// <summary>The callbacks, called in order.</summary>
    public IList<Callback> Callbacks { get; } = [];

    /// <summary>Extra metadata written into every checkpoint the learner saves (e.g. how to rebuild the model).</summary>
    public IDictionary<string, string> CheckpointMetadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Epochs completed (including those before a resume).</summary>
    public int Epoch { get; private set; }

    /// <summary>The metrics of every completed epoch.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>Optimizer steps per epoch (batches divided by <see cref="AccumulationSteps"/>, rounded up).</summary>
    public int StepsPerEpoch => (EpochBatches(0).Count + AccumulationSteps - 1) / AccumulationSteps;

    /// <summary>Trains data-parallel over several processes (each rank takes its share of every batch), or null.</summary>
    public IDataParallel? DataParallel { get; init; }

    /// <summary>Whether this process writes checkpoints and logs: always without <see cref="DataParallel"/>, else rank 0.</summary>
    public bool IsRoot => DataParallel is null || DataParallel.Rank == 0;

    /// <summary>How many leading layers (steps of the model's graph) the feature cache replaces during the current fit (0 when none).</summary>
    public int CachedPrefix => _cache?.Prefix ?? 0;

    /// <summary>Why the current fit will stop after this batch or epoch, or null.</summary>
    public string? StopReason { get; private set; }

    private IBatchSampler SamplerOrDefault => Sampler ?? new ShuffledBatches(Seed);

    /// <summary>Whether the outputs of a frozen prefix would be cached with the current flags, which layers, and why.</summary>
    public FeatureCachePlan DescribeCache()
    {
        if (!CacheFrozenPrefix)
        {
            return new([], "the cache is switched off");
        }

        if (Train.AugmentsTraining)
        {
            return new([], "the training set is augmented, so the frozen layers see different inputs every epoch");
        }

        if (Model is not Block block)
        {
            return new([], $"the model is a {Model.TypeName}, not a graph of layers");
        }

        int p = FeatureCache.Describe(block).Prefix;
        return p == 0
            ? new([], block.Dataflow.Steps is [{ Layer: { } first }, ..] ? $"the first layer ('{first.Name}') trains or is random" : "the model does not start with a layer")
            : new([.. FeatureCache.PrefixLayers(block, p).Select(c => c.Name)], "these leading layers are frozen and deterministic: their outputs are computed once per example");
    }

    /// <summary>Asks the current fit to stop after the current epoch (from a callback).</summary>
    public void RequestStop(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        StopReason ??= reason;
    }

    /// <summary>
    /// Trains until <paramref name="epochs"/> epochs are complete (continuing after <see cref="Resume"/>), evaluating
    /// on <see cref="Validation"/> after each, and returns the metrics and the frozen check.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public FitResult Fit(int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AccumulationSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        StopReason = null;
        bool diverged = false;
        DataParallel?.Synchronize([.. Model.Variables.Where(v => v.Trainable || v.Status == VariableStatus.State)]);
        var start = TrainableSnapshot();
        foreach (var cb in Callbacks)
        {
            cb.OnFitBegin(this);
        }

        var modes = Model.CaptureModes();
        try
        {
            while (Epoch < epochs && StopReason is null)
            {
                var clock = Stopwatch.StartNew();
                Unfreezing?.Apply(Model, Optimizer, Epoch);
                RefreshCache();
                foreach (var cb in Callbacks)
                {
                    cb.OnEpochBegin(this, Epoch + 1);
                }

                var train = TrainEpoch(Epoch);
                if (train.Diverged)
                {
                    diverged = true;
                    break;
                }

                var validation = Validation is null ? null : EvaluateCore(Validation);
                var metrics = new EpochMetrics(
                    Epoch + 1, train.Loss, train.Accuracy, validation, Optimizer.LearningRate * Optimizer.CurrentFactor,
                    train.TrainableParameters, train.ExamplesPerSecond, clock.Elapsed);
                Epoch++;
                _history.Add(metrics);
                foreach (var cb in Callbacks)
                {
                    cb.OnEpochEnd(this, metrics);
                }
            }
        }
        finally
        {
            _cache?.Dispose();
            _cache = null;
            Model.RestoreModes(modes);
        }

        var check = FrozenVerification.Check(Model) with { NeverChanged = NeverChanged(start) };
        var result = new FitResult(_history.ToList(), StopReason, check) { Diverged = diverged };
        foreach (var cb in Callbacks)
        {
            cb.OnFitEnd(this, result);
        }

        return result;
    }

    /// <summary>
    /// Evaluates the model on <paramref name="data"/> in inference mode, recording nothing; the model (values,
    /// running statistics, modes) is unchanged afterwards.
    /// </summary>
    public ClassificationMetrics Evaluate(IDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return EvaluateCore(data);
    }

    /// <summary>
    /// Saves the model, the optimizer's state and schedule position, the learner's history and the callbacks'
    /// state, so <see cref="Resume"/> continues exactly where this left off.
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!IsRoot)
        {
            return; // every replica holds the same values: rank 0 writes them
        }

        var state = new LearnerState(
            1,
            Epoch,
            [.. _history.Select(EpochRecord.From)],
            Callbacks.Select(c => (c.StateKey, State: c.SaveState())).Where(c => c.State is not null).ToDictionary(c => c.StateKey, c => c.State!, StringComparer.Ordinal),
            [.. Optimizer.Groups.Select(g => new GroupRecord(g.Name, [.. g.Variables.Select(v => v.Name)], g.LearningRate, g.WeightDecay))]);
        var meta = new Dictionary<string, string>(CheckpointMetadata, StringComparer.Ordinal)
        {
            [StateKey] = JsonSerializer.Serialize(state, LearnerStateJson.Default.LearnerState),
        };
        Checkpoint.Save(path, Model, new CheckpointOptions { Optimizer = Optimizer, Metadata = meta });
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="Save"/>: the model's values and freeze flags, the optimizer's
    /// state, the completed epochs and the callbacks' state. A following <see cref="Fit"/> continues the run, and
    /// gives bit-identical results to a run that was never interrupted.
    /// </summary>
    /// <exception cref="FormatException">The checkpoint holds no learner state or a malformed one.</exception>
    public void Resume(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = Safetensors.Open(path);
        var metadata = file.Metadata;
        if (!metadata.TryGetValue(StateKey, out string? json))
        {
            throw new FormatException($"{path}: no learner state (metadata '{StateKey}'); it was not saved by Learner.Save.");
        }

        LearnerState state;
        try
        {
            state = JsonSerializer.Deserialize(json, LearnerStateJson.Default.LearnerState) ?? throw new FormatException("null state");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: malformed learner state: {e.Message}", e);
        }

        if (state.Version != 1 || state.Epoch < 0 || state.History.Count != state.Epoch)
        {
            throw new FormatException($"{path}: learner state version {state.Version} with {state.History.Count} epoch record(s) for {state.Epoch} epoch(s) is not one this version reads.");
        }

        var history = state.History.Select(r => r.ToMetrics(Train.ClassNames)).ToList();
        RestoreGroups(path, state.Groups);
        Checkpoint.Restore(file, Model, FreezeStatePolicy.FromCheckpoint, new RestoreOptions { Optimizer = Optimizer });
        foreach (var cb in Callbacks)
        {
            if (state.Callbacks.TryGetValue(cb.StateKey, out string? s))
            {
                cb.LoadState(s);
            }
        }

        _history.Clear();
        _history.AddRange(history);
        Epoch = state.Epoch;
    }

    /// <summary>
    /// Recreates the saved parameter groups the optimizer lacks and checks those it has (same members), then takes
    /// the saved learning rates and weight decays; a group the checkpoint does not know is an error.
    /// </summary>
    private void RestoreGroups(string path, IReadOnlyList<GroupRecord>? saved)
    {
        if (saved is null)
        {
            return; // written before groups were saved: the groups set up by the caller stand
        }

        var byName = Model.Variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        foreach (var g in Optimizer.Groups.Where(g => !saved.Any(s => s.Name == g.Name)))
        {
            throw new FormatException($"{path}: the optimizer has a parameter group '{g.Name}' that the checkpoint does not have (it has {Names(saved.Select(s => s.Name))}).");
        }

        // Everything is checked before the optimizer changes.
        var missing = new Dictionary<string, List<Variable>>(StringComparer.Ordinal);
        foreach (var s in saved)
        {
            var group = Optimizer.Groups.FirstOrDefault(g => g.Name == s.Name);
            if (group is null)
            {
                missing[s.Name] = [.. s.Variables.Select(n => byName.TryGetValue(n, out var v) ? v
                    : throw new FormatException($"{path}: parameter group '{s.Name}' names variable '{n}', which the model does not have."))];
            }
            else if (!group.Variables.Select(v => v.Name).Order(StringComparer.Ordinal).SequenceEqual(s.Variables.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                throw new FormatException($"{path}: parameter group '{s.Name}' holds {Names(group.Variables.Select(v => v.Name))} here but {Names(s.Variables)} in the checkpoint.");
            }
        }

        foreach (var s in saved)
        {
            var group = missing.TryGetValue(s.Name, out var members) ? Optimizer.AddGroup(members, name: s.Name) : Optimizer.Groups.First(g => g.Name == s.Name);
            group.LearningRate = s.LearningRate;
            group.WeightDecay = s.WeightDecay;
        }

        static string Names(IEnumerable<string> names)
        {
            var list = names.ToList();
            return list.Count == 0 ? "none" : list.Count <= 3 ? string.Join(", ", list.Select(n => $"'{n}'")) : $"{list.Count} ('{list[0]}', '{list[1]}', …)";
        }
    }

    private readonly record struct EpochTraining(double Loss, double Accuracy, double ExamplesPerSecond, long TrainableParameters, bool Diverged);

    private EpochTraining TrainEpoch(int epoch)
    {
        var cached = _cache?.For(Train);
        var data = cached ?? Train;
        var dp = DataParallel;
        int ranks = dp?.Size ?? 1;
        var global = EpochBatches(epoch);
        var batches = dp is null ? global : [.. global.Select(g => g[(dp.Rank * g.Length / ranks)..((dp.Rank + 1) * g.Length / ranks)])];
        long trainable = Model.TrainableVariables.Sum(v => (long)v.Shape.Size);
        Model.Training = true;
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        long correct = 0, seen = 0;
        int k = AccumulationSteps;

        // State a forward pass updates in place (running statistics), kept so a diverged step can be undone.
        var state = Model.Variables.Where(v => v.Status == VariableStatus.State).ToList();
        var saved = new float[state.Sum(v => v.Shape.Size)];
        using var reader = data.Read(batches, training: true, epoch).GetEnumerator();
        for (int first = 0; first < batches.Count && StopReason is null; first += k)
        {
            int last = Math.Min(first + k, batches.Count);
            long groupSize = 0;
            for (int b = first; b < last; b++)
            {
                groupSize += global[b].Length;
            }

            for (int b = first; b < last; b++)
            {
                bool update = b == last - 1;
                using var tape = new GradientTape();
                if (!reader.MoveNext())
                {
                    throw new InvalidOperationException($"Learner: the training set yielded {b} batches of the {batches.Count} asked for.");
                }

                var batch = reader.Current;
                CopyState(state, saved, restore: false);
                var logits = Forward(batch, cached is null ? null : _cache);
                var loss = Loss(logits, batch.Labels);
                float lossValue = loss.Item();
                if (dp is null && !float.IsFinite(lossValue))
                {
                    CopyState(state, saved, restore: true);
                    return Diverge(epoch, b, $"the loss is {lossValue}");
                }

                // This batch's share of the update: with several ranks and micro-batches, the average over ranks of
                // these scaled gradients is the gradient of the mean loss over the whole group.
                double scale = (double)ranks * batch.Labels.Length / groupSize;
                var weighted = scale == 1 ? loss : Ops.Mul(loss, (float)scale);
                var grads = Optimizer.ComputeGradients(weighted, null, dp is not null && k == 1 ? dp.Add : null);
                Gradients? step = null;
                if (k == 1)
                {
                    step = grads;
                }
                else
                {
                    Accumulate(grads, reset: b == first);
                    if (update)
                    {
                        step = new Gradients(_accumulators!.Select(p => new KeyValuePair<Variable, Tensor>(p.Key, p.Value)));
                        if (dp is not null)
                        {
                            foreach (var (v, g) in step)
                            {
                                dp.Add(v, g);
                            }
                        }
                    }
                }

                if (dp is not null && step is not null)
                {
                    dp.CompleteStep();
                }

                if (step is not null || dp is null)
                {
                    string? bad = NonFinite(lossValue, step ?? grads, dp);
                    if (bad is not null)
                    {
                        CopyState(state, saved, restore: true);
                        return Diverge(epoch, b, bad);
                    }
                }

                if (step is not null)
                {
                    Optimizer.ApplyGradients(step);
                    _accumulators?.Clear();
                }

                lossSum += (double)lossValue * batch.Labels.Length;
                correct += CountCorrect(logits, batch.Labels);
                seen += batch.Labels.Length;
                var result = new BatchResult(epoch + 1, b, batches.Count, lossValue, batch.Labels.Length, update);
                foreach (var cb in Callbacks)
                {
                    cb.OnBatchEnd(this, result);
                }
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        if (dp is not null)
        {
            double[] sums = [lossSum, correct, seen];
            dp.AllReduceSum(sums);
            (lossSum, correct, seen) = (sums[0], (long)sums[1], (long)sums[2]);
            AverageState(state, dp);
        }

        return new EpochTraining(seen == 0 ? double.NaN : lossSum / seen, seen == 0 ? double.NaN : (double)correct / seen, seconds > 0 ? seen / seconds : double.NaN, trainable, false);
    }

    /// <summary>Why a step must not be applied (a loss or gradient norm that is not finite, on any rank), or null.</summary>
    private static string? NonFinite(float loss, Gradients grads, IDataParallel? dp)
    {
        float norm = grads.GlobalNorm();
        if (dp is not null)
        {
            double[] flags = [float.IsFinite(loss) ? 0 : 1];
            dp.AllReduceSum(flags);
            if (flags[0] > 0)
            {
                return $"the loss is not finite on {flags[0]} rank(s)";
            }
        }
        else if (!float.IsFinite(loss))
        {
            return $"the loss is {loss}";
        }

        return float.IsFinite(norm) ? null : $"the gradient norm is {norm}";
    }

    /// <summary>Replicas' running statistics differ after an epoch of their own batches: make them the average.</summary>
    private static void AverageState(List<Variable> state, IDataParallel dp)
    {
        if (state.Count == 0)
        {
            return;
        }

        var all = new double[state.Sum(v => v.Shape.Size)];
        int at = 0;
        foreach (var v in state)
        {
            foreach (float x in v.Value.AsReadOnlySpan())
            {
                all[at++] = x;
            }
        }

        dp.AllReduceSum(all);
        at = 0;
        foreach (var v in state)
        {
            var span = v.Value.AsSpan();
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (float)(all[at++] / dp.Size);
            }
        }
    }

    /// <summary>The epoch's batches over all ranks (with several ranks, each at least one example per rank).</summary>
    private IReadOnlyList<int[]> EpochBatches(int epoch)
    {
        int ranks = DataParallel?.Size ?? 1;
        var batches = SamplerOrDefault.Batches(Train, BatchSize * ranks, epoch);
        return ranks == 1 ? batches : [.. batches.Where(b => b.Length >= ranks)];
    }

    private static void CopyState(List<Variable> state, float[] saved, bool restore)
    {
        int at = 0;
        foreach (var v in state)
        {
            var span = v.Value.AsSpan();
            if (restore)
            {
                saved.AsSpan(at, span.Length).CopyTo(span);
            }
            else
            {
                span.CopyTo(saved.AsSpan(at, span.Length));
            }

            at += span.Length;
        }
    }

    private EpochTraining Diverge(int epoch, int batch, string what)
    {
        RequestStop($"stopped at epoch {epoch + 1}, batch {batch + 1}: {what}; the update was not applied, so the model keeps its last finite values");
        return new EpochTraining(double.NaN, double.NaN, double.NaN, 0, true);
    }

    /// <summary>Adds this micro-batch's gradients into buffers that outlive its tape.</summary>
    private void Accumulate(Gradients grads, bool reset)
    {
        _accumulators ??= new Dictionary<Variable, Tensor>(ReferenceEqualityComparer.Instance);
        if (reset)
        {
            _accumulators.Clear();
        }

        foreach (var (v, g) in grads)
        {
            if (_accumulators.TryGetValue(v, out var sum))
            {
                System.Numerics.Tensors.TensorPrimitives.Add(sum.AsReadOnlySpan(), g.AsReadOnlySpan(), sum.AsSpan());
            }
            else
            {
                _accumulators[v] = g.Clone();
            }
        }
    }

    /// <summary>The logits of a batch: from the raw inputs, or from cached features when <paramref name="cache"/> is given.</summary>
    private Tensor Forward(DataBatch batch, FeatureCache? cache)
    {
        if (cache is not null)
        {
            return cache.Forward(batch);
        }

        return batch.Inputs.Count == 1 ? Model.Call(batch.Inputs[0]) : Model.Call([.. batch.Inputs]);
    }

    private ClassificationMetrics EvaluateCore(IDataset data)
    {
        var cached = _cache?.For(data);
        var cache = cached is null ? null : _cache;
        return Evaluation.Run(Model, cached ?? data, data.ClassNames, b => Forward(b, cache), Loss, EvaluationBatchSize, TopK, null, DataParallel);
    }

    private static long CountCorrect(Tensor logits, int[] labels)
    {
        var pred = Ops.ArgMax(logits);
        long n = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            n += pred[i] == labels[i] ? 1 : 0;
        }

        return n;
    }

    /// <summary>Builds, keeps or drops the feature cache for the current flags.</summary>
    private void RefreshCache()
    {
        if (!CacheFrozenPrefix || Train.AugmentsTraining || Model is not Block block)
        {
            _cache?.Dispose();
            _cache = null;
            return;
        }

        var (prefix, key) = FeatureCache.Describe(block);
        if (_cache is { } c && c.Prefix == prefix && c.Key.AsSpan().SequenceEqual(key))
        {
            return;
        }

        _cache?.Dispose();
        _cache = null;
        if (prefix == 0)
        {
            return;
        }

        IDataset[] sets = Validation is null ? [Train] : [Train, Validation];
        _cache = FeatureCache.Build(block, prefix, key, sets, CacheMemoryBudget, EvaluationBatchSize, (task, done, total) =>
        {
            foreach (var cb in Callbacks)
            {
                cb.OnProgress(this, task, done, total);
            }
        });
    }

    private Dictionary<Variable, byte[]> TrainableSnapshot()
        => Model.Variables.Where(v => v.Kind == VariableKind.Parameter && v.Trainable)
            .ToDictionary(v => v, v => FreezePlan.Fingerprint(v), (IEqualityComparer<Variable>)ReferenceEqualityComparer.Instance);

    private static List<string> NeverChanged(Dictionary<Variable, byte[]> start)
        => [.. start.Where(p => p.Key.Trainable && p.Value.AsSpan().SequenceEqual(FreezePlan.Fingerprint(p.Key))).Select(p => p.Key.Name)];
}
