namespace Frost.Layers;

/// <summary>
/// Batch normalisation over the channels of NCHW input, with learnable scale (gamma) and shift (beta) and
/// running statistics kept as state variables (saved in checkpoints, never trainable).
/// </summary>
/// <remarks>
/// Mode: batch statistics (and running-statistics updates) only while the layer is in training mode, its
/// parameters train and <see cref="KeepStatistics"/> is off. A frozen batch-norm layer runs in inference mode, as in Keras, so its running statistics
/// never move; to keep batch-norm layers training while the rest is frozen (fastai's <c>train_bn</c>), leave
/// them unfrozen, e.g. with <see cref="Freezing.FreezePlan.TrainBatchNorm"/>.
/// Ioffe and Szegedy, "Batch Normalization", 2015.
/// </remarks>
public sealed class BatchNorm2D : Layer
{
    private bool _keepStatistics;

    /// <summary>Creates the layer (gamma 1, beta 0, running mean 0, running variance 1).</summary>
    public BatchNorm2D(int channels, float momentum = 0.1f, float epsilon = 1e-5f, string? name = null)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"BatchNorm2D: momentum must be in [0, 1], got {momentum}.");
        }

        Channels = channels;
        Momentum = momentum;
        Epsilon = epsilon;
        Weight = AddParameter("weight", Tensor.Ones(channels));
        Bias = AddParameter("bias", Tensor.Zeros(channels));
        RunningMean = AddState("running_mean", Tensor.Zeros(channels));
        RunningVar = AddState("running_var", Tensor.Ones(channels));
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Weight of the newest batch in the running statistics.</summary>
    public float Momentum { get; }

    /// <summary>Variance guard.</summary>
    public float Epsilon { get; }

    /// <summary>Scale.</summary>
    public Variable Weight { get; }

    /// <summary>Shift.</summary>
    public Variable Bias { get; }

    /// <summary>Running mean (state).</summary>
    public Variable RunningMean { get; }

    /// <summary>Running variance (state).</summary>
    public Variable RunningVar { get; }

    /// <summary>
    /// Keeps the running statistics fixed and normalises with them even in training mode, while scale and shift
    /// may still train (Keras's advice for fine-tuning: batch norm in inference mode). False by default.
    /// </summary>
    public bool KeepStatistics
    {
        get => _keepStatistics;
        set
        {
            _keepStatistics = value;
            RefreshStateFingerprints();
        }
    }

    /// <summary>Whether the next call uses (and updates) batch statistics: training mode and the statistics are updated.</summary>
    public bool UsesBatchStatistics => Training && UpdatesState;

    /// <summary>Whether training updates the running statistics: a parameter trains and the statistics are not kept.</summary>
    protected internal override bool UpdatesState => !KeepStatistics && base.UpdatesState;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
        => Ops.BatchNorm2D(input, Weight, Bias, RunningMean, RunningVar, UsesBatchStatistics, Momentum, Epsilon);
}
