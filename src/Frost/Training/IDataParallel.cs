namespace Frost.Training;

/// <summary>
/// What a <see cref="Learner"/> needs to train data-parallel over several processes: each rank trains on its share
/// of every batch, and the gradients of trainable variables are averaged so every replica takes the same step.
/// <c>Frost.Distributed</c> implements it over MPI.
/// </summary>
public interface IDataParallel
{
    /// <summary>This process's rank, 0-based; rank 0 writes checkpoints and logs.</summary>
    int Rank { get; }

    /// <summary>Number of processes.</summary>
    int Size { get; }

    /// <summary>Gives every replica rank 0's values of <paramref name="variables"/> (before training starts).</summary>
    void Synchronize(IReadOnlyList<Variable> variables);

    /// <summary>
    /// Takes the gradient of a trainable variable as soon as the backward pass has finished it, and may start
    /// communicating it at once; the tensor must stay valid until <see cref="CompleteStep"/>.
    /// </summary>
    void Add(Variable variable, Tensor gradient);

    /// <summary>Waits until every gradient given to <see cref="Add"/> holds the average over the ranks.</summary>
    void CompleteStep();

    /// <summary>Sums <paramref name="values"/> over the ranks, in place.</summary>
    void AllReduceSum(Span<double> values);
}
