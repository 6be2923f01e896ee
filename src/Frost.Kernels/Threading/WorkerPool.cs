using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Frost.Kernels.Threading;

/// <summary>
/// A small pool of long-lived worker threads. A dispatch hands task <c>i</c> (i ≥ 1) to worker <c>i</c> and runs
/// task 0 on the calling thread; workers spin briefly after finishing, yielding every few spins, then block.
/// </summary>
/// <remarks>
/// Task-to-thread assignment is fixed, so a kernel that partitions its work by task index is deterministic.
/// Only one dispatch runs at a time: a nested or concurrent dispatch runs its tasks inline, in order.
/// </remarks>
internal static class WorkerPool
{
    private const int YieldEvery = 32;
    private static readonly long s_spinTicks = Stopwatch.Frequency / 2000; // ~0.5 ms of spinning before blocking
    private static readonly Lock s_growLock = new();
    private static Worker[] s_workers = [];
    private static int s_busy;

    /// <summary>Number of worker threads started so far (excluding callers).</summary>
    internal static int WorkerCount => Volatile.Read(ref s_workers).Length;

    /// <summary>Runs <paramref name="work"/> for task indices 0..count-1 and returns when all have finished.</summary>
    public static void Run(IParallelWork work, int count)
    {
        if (count <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++)
            {
                work.Execute(i);
            }

            return;
        }

        try
        {
            Worker[] workers = EnsureWorkers(count - 1);
            for (int i = 1; i < count; i++)
            {
                workers[i - 1].Post(work);
            }

            Exception? first = null;
            try
            {
                work.Execute(0);
            }
            catch (Exception e)
            {
                first = e;
            }

            for (int i = 1; i < count; i++)
            {
                Exception? e = workers[i - 1].WaitDone();
                first ??= e;
            }

            if (first is not null)
            {
                ExceptionDispatchInfo.Capture(first).Throw();
            }
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static Worker[] EnsureWorkers(int needed)
    {
        Worker[] workers = Volatile.Read(ref s_workers);
        if (workers.Length >= needed)
        {
            return workers;
        }

        lock (s_growLock)
        {
            workers = s_workers;
            if (workers.Length < needed)
            {
                var grown = new Worker[needed];
                Array.Copy(workers, grown, workers.Length);
                for (int i = workers.Length; i < needed; i++)
                {
                    grown[i] = new Worker(i + 1);
                }

                Volatile.Write(ref s_workers, grown);
                workers = grown;
            }

            return workers;
        }
    }

    private static void Pause(int spins)
    {
        if (spins % YieldEvery == YieldEvery - 1)
        {
            Thread.Yield();
        }
        else
        {
            Thread.SpinWait(8);
        }
    }

#pragma warning disable CA1001 // workers live for the whole process; their semaphores are never released
    private sealed class Worker
#pragma warning restore CA1001
    {
        private int _state; // 0 idle, 1 posted
        private int _sleeping;
        private IParallelWork? _work;
        private Exception? _error;
        private readonly SemaphoreSlim _wake = new(0);
        private readonly int _index;

        public Worker(int index)
        {
            _index = index;
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = $"Frost.Kernels worker {index}",
            };
            thread.Start();
        }

        public void Post(IParallelWork work)
        {
            _work = work;
            _error = null;
            Interlocked.Exchange(ref _state, 1);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            {
                _wake.Release();
            }
        }

        public Exception? WaitDone()
        {
            int spins = 0;
            while (Volatile.Read(ref _state) != 0)
            {
                Pause(spins++);
            }

            return _error;
        }

        private void Loop()
        {
            while (true)
            {
                WaitPosted();
                try
                {
                    _work!.Execute(_index);
                }
                catch (Exception e)
                {
                    _error = e;
                }

                _work = null;
                Volatile.Write(ref _state, 0);
            }
        }

        private void WaitPosted()
        {
            long start = Stopwatch.GetTimestamp();
            int spins = 0;
            while (Volatile.Read(ref _state) == 0)
            {
                if ((spins & (YieldEvery - 1)) == 0 && Stopwatch.GetTimestamp() - start > s_spinTicks)
                {
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _state) == 0)
                    {
                        _wake.Wait();
                    }
                    else if (Interlocked.Exchange(ref _sleeping, 0) == 0)
                    {
                        _wake.Wait(); // the poster already released: consume it
                    }

                    start = Stopwatch.GetTimestamp();
                    spins = 0;
                    continue;
                }

                Pause(spins++);
            }
        }
    }
}
