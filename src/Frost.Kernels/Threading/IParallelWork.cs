namespace Frost.Kernels.Threading;

/// <summary>A unit of parallel work: <see cref="Execute"/> runs once for each task index of a dispatch.</summary>
internal interface IParallelWork
{
    /// <summary>Runs task <paramref name="index"/> of the current dispatch.</summary>
    void Execute(int index);
}
