namespace Frost.Distributed;

/// <summary>What one step of <see cref="GradientBucketReducer"/> communicated.</summary>
/// <param name="Variables">Variables whose gradients were reduced.</param>
/// <param name="Elements">Gradient elements all-reduced (frozen elements of masked variables are not sent).</param>
/// <param name="Buckets">All-reduce calls the elements went in.</param>
/// <param name="Wait">Time <see cref="GradientBucketReducer.Complete"/> spent waiting for the all-reduces: the
/// communication the backward pass did not hide.</param>
public readonly record struct ReductionStatistics(int Variables, long Elements, int Buckets, TimeSpan Wait)
{
    /// <summary>Bytes all-reduced (4 per element).</summary>
    public long Bytes => Elements * sizeof(float);
}
