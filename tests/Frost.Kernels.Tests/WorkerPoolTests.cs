using Frost.Kernels.Threading;

namespace Frost.Kernels.Tests;

/// <summary>Tests that need the pool to themselves (a busy pool runs dispatches inline).</summary>
[CollectionDefinition(nameof(ExclusivePool), DisableParallelization = true)]
public sealed class ExclusivePool;

[Collection(nameof(ExclusivePool))]
public class WorkerPoolTests
{
    private sealed class Recorder(int count) : IParallelWork
    {
        public int[] Threads { get; } = new int[count];

        public int Nested { get; set; } = -1;

        public void Execute(int index)
        {
            Threads[index] = Environment.CurrentManagedThreadId;
            if (index == 1 && Nested == 0)
            {
                var inner = new Recorder(2);
                WorkerPool.Run(inner, 2); // the pool is busy: runs inline on this thread
                Nested = inner.Threads.All(t => t == Environment.CurrentManagedThreadId) ? 1 : 2;
            }
        }
    }

    private sealed class Thrower : IParallelWork
    {
        public void Execute(int index)
        {
            if (index == 2)
            {
                throw new InvalidOperationException("task 2");
            }
        }
    }

    [Fact]
    public void Tasks_run_on_distinct_threads_and_nested_dispatch_runs_inline()
    {
        var work = new Recorder(3) { Nested = 0 };
        WorkerPool.Run(work, 3);
        Assert.Equal(3, work.Threads.Distinct().Count());
        Assert.Equal(Environment.CurrentManagedThreadId, work.Threads[0]);
        Assert.Equal(1, work.Nested);
        for (int i = 0; i < 200; i++)
        {
            var again = new Recorder(2);
            WorkerPool.Run(again, 2);
            Assert.All(again.Threads, t => Assert.NotEqual(0, t));
        }
    }

    [Fact]
    public void Exceptions_propagate_to_the_caller()
    {
        var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(new Thrower(), 4));
        Assert.Equal("task 2", e.Message);

        // The pool still works afterwards.
        var work = new Recorder(4);
        WorkerPool.Run(work, 4);
        Assert.All(work.Threads, t => Assert.NotEqual(0, t));
    }
}
