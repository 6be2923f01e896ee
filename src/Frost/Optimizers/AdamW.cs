namespace Frost.Optimizers;

/// <summary>
/// Adam with decoupled weight decay: <c>p ← p·(1 − lr·wd)</c> before the Adam step, so decay does not pass
/// through the moment estimates.
/// </summary>
/// <remarks>Loshchilov and Hutter, "Decoupled Weight Decay Regularization", 2017.</remarks>
public sealed class AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 1e-2f)
    : Adam(learningRate, beta1, beta2, epsilon, weightDecay)
{
    /// <inheritdoc/>
    protected override bool DecoupledWeightDecay => true;
}
