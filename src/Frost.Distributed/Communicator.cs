using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Frost.Distributed.Native;

namespace Frost.Distributed;

/// <summary>
/// The processes of one data-parallel job (ranks 0..<see cref="Size"/>-1) and the collectives among them:
/// all-reduce, broadcast, barrier. Over MPI (Open MPI or MPICH, loaded at run time) when the process was
/// started by <c>mpirun</c>/<c>mpiexec</c>; a process started alone is rank 0 of 1 (see
/// <see cref="CommunicatorBackend"/>).
/// </summary>
/// <remarks>
/// <para>
/// MPI is initialized once per process: one MPI communicator may exist at a time, and once disposed (which
/// finalizes MPI) none can be created again. Every rank must call the same collectives in the same order with
/// the same element counts. Methods may be called from any thread; calls are serialized.
/// </para>
/// <para>
/// Every wait polls with a bound (<see cref="CommunicatorOptions.Timeout"/>): when another rank hangs or runs
/// different code, the collective fails with a <see cref="DistributedException"/> instead of waiting forever,
/// and the communicator is unusable from then on; disposing it then aborts the whole job (MPI_Abort) after
/// printing the failure, since the ranks can no longer agree on anything. A rank that dies is reported by the
/// launcher, which ends the job: Open MPI's <c>mpirun</c> names the rank and exits with 128 + the signal.
/// </para>
/// <para>
/// The launcher is told from the variables it sets (<c>OMPI_COMM_WORLD_SIZE</c> for Open MPI,
/// <c>PMI_RANK</c> for MPICH's Hydra, <c>PMIX_RANK</c> for PMIx launchers) so the matching library is loaded.
/// </para>
/// </remarks>
public sealed unsafe partial class Communicator : IDisposable
{
    private static readonly Lock ProcessGate = new();
    private static readonly CollectiveDescription BarrierDescription = new("barrier", -1, "");
    private static Communicator? s_mpiInUse;
    private static bool s_mpiFinalized;

    private readonly MpiApi? _api;
    private readonly Lock _gate = new();
    private readonly List<CollectiveRequest> _active = [];
    private readonly bool _ownsMpi;
    private readonly bool _anyThread;
    private readonly int _creatorThread = Environment.CurrentManagedThreadId;
    private TimeSpan _progressInterval;
    private readonly ManualResetEventSlim _progressWanted = new(false);
    private Thread? _progressThread;
    private PosixSignalRegistration? _terminateNotice;
    private string? _failure;
    private bool _stopping;
    private bool _disposed;

    private Communicator(CommunicatorOptions options, MpiApi? api)
    {
        Timeout = options.Timeout;
        _progressInterval = options.ProgressInterval;
        _api = api;
        if (api is null)
        {
            Size = 1;
            Backend = CommunicatorBackend.Local;
            Library = "none (in-process, one rank)";
            _anyThread = true;
            return;
        }

        Expect(api, api.Finalized(out bool finalized), "MPI_Finalized");
        if (finalized)
        {
            throw new InvalidOperationException($"MPI was already finalized in this process ({api.File}); it cannot be initialized again.");
        }

        Expect(api, api.Initialized(out bool initialized), "MPI_Initialized");
        MpiThreadLevel provided;
        if (initialized)
        {
            Expect(api, api.QueryThread(out provided), "MPI_Query_thread");
        }
        else
        {
            // Serialized is enough for the progress thread: every call this class makes holds _gate.
            Expect(api, api.InitThread(MpiThreadLevel.Serialized, out provided), "MPI_Init_thread");
            _ownsMpi = true;
        }

        Expect(api, api.SetErrorsReturn(), "MPI_Comm_set_errhandler");
        Expect(api, api.Rank(out int rank), "MPI_Comm_rank");
        Expect(api, api.Size(out int size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        Backend = CommunicatorBackend.Mpi;
        Library = $"{api.LibraryVersion()} ({api.File})";
        _anyThread = provided >= MpiThreadLevel.Serialized;
        if (size > 1 && !OperatingSystem.IsWindows())
        {
            // The launcher stops the surviving ranks with SIGTERM when one fails; say so, then exit as usual.
            _terminateNotice = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ =>
                Console.Error.WriteLine($"rank {Rank} of {Size}: stopped by the launcher (SIGTERM), usually because another rank failed; see its message."));
        }
    }

    /// <summary>This process's rank, 0..<see cref="Size"/>-1.</summary>
    public int Rank { get; }

    /// <summary>The number of ranks in the job.</summary>
    public int Size { get; }

    /// <summary>Whether this is rank 0, the one that writes checkpoints and logs.</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>What carries the collectives: <see cref="CommunicatorBackend.Mpi"/> or <see cref="CommunicatorBackend.Local"/>.</summary>
    public CommunicatorBackend Backend { get; }

    /// <summary>The MPI library in use (its version line and file), or a note that there is none.</summary>
    public string Library { get; }

    /// <summary>How long a collective waits for the other ranks before it fails.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Starts a communicator: joins the MPI job this process was launched in, or runs as rank 0 of 1.
    /// </summary>
    /// <exception cref="DistributedException">MPI is required (launched by an MPI launcher,
    /// <see cref="CommunicatorBackend.Mpi"/>, or a library named) but no library loads; or MPI fails to
    /// initialize.</exception>
    /// <exception cref="InvalidOperationException">MPI is already used by another communicator of this process,
    /// or was finalized.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is not positive, or the progress interval is negative.</exception>
    public static Communicator Initialize(CommunicatorOptions? options = null)
    {
        options ??= new CommunicatorOptions();
        if (options.Timeout <= TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"CommunicatorOptions.Timeout must be positive or infinite, got {options.Timeout}.");
        }

        if (options.ProgressInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"CommunicatorOptions.ProgressInterval must not be negative, got {options.ProgressInterval}.");
        }

        var launcher = MpiLoader.DetectLauncher(Environment.GetEnvironmentVariable);
        if (options.Backend == CommunicatorBackend.Local || (options.Backend == CommunicatorBackend.Auto && launcher is null && options.Library is null))
        {
            return new Communicator(options, null);
        }

        lock (ProcessGate)
        {
            if (s_mpiInUse is not null)
            {
                throw new InvalidOperationException("MPI is already in use by a Communicator of this process (MPI is initialized once per process): share that one.");
            }

            if (s_mpiFinalized)
            {
                throw new InvalidOperationException("MPI was finalized in this process when its Communicator was disposed; it cannot be initialized again.");
            }

            var api = MpiLoader.Load(options.Library, launcher) ?? throw new DistributedException(
                $"No MPI library could be loaded (tried {string.Join(", ", [.. MpiLoader.OpenMpiFiles, .. MpiLoader.MpichFiles])}): "
                + $"{MpiLoader.InstallOpenMpi}, or {MpiLoader.InstallMpich}.");
            var communicator = new Communicator(options, api);
            s_mpiInUse = communicator;
            return communicator;
        }
    }

    /// <summary>Sums <paramref name="values"/> element-wise over all ranks, in place; every rank gets the sums.</summary>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void AllReduceSum(Span<float> values) => AllReduce(values, MpiDatatype.Float, MpiReduction.Sum, "float");

    /// <summary>Sums <paramref name="values"/> element-wise over all ranks, in place.</summary>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void AllReduceSum(Span<double> values) => AllReduce(values, MpiDatatype.Double, MpiReduction.Sum, "double");

    /// <summary>Sums <paramref name="values"/> element-wise over all ranks, in place (wrapping on overflow).</summary>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void AllReduceSum(Span<int> values) => AllReduce(values, MpiDatatype.Int, MpiReduction.Sum, "int");

    /// <summary>
    /// Sums <paramref name="values"/> element-wise over all ranks into <paramref name="result"/>, leaving
    /// <paramref name="values"/> unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void AllReduceSum(ReadOnlySpan<float> values, Span<float> result)
    {
        if (values.Length != result.Length)
        {
            throw new ArgumentException($"AllReduceSum: {values.Length} values but a result of {result.Length}.", nameof(result));
        }

        if (values == (ReadOnlySpan<float>)result)
        {
            AllReduceSum(result);
            return;
        }

        if (values.Overlaps(result))
        {
            throw new ArgumentException("AllReduceSum: values and result partly overlap; pass one span to reduce in place.", nameof(result));
        }

        ThrowIfUnusable();
        if (_api is null)
        {
            values.CopyTo(result);
            return;
        }

        fixed (float* send = values, recv = result)
        {
            var what = new CollectiveDescription("all-reduce (sum)", values.Length, "float");
            nint request;
            lock (_gate)
            {
                Check(_api.IAllReduce(send, recv, values.Length, MpiDatatype.Float, MpiReduction.Sum, out request), what);
            }

            Await(ref request, what, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Takes the element-wise maximum of <paramref name="values"/> over all ranks, in place.</summary>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void AllReduceMax(Span<float> values) => AllReduce(values, MpiDatatype.Float, MpiReduction.Max, "float");

    /// <summary>Takes the element-wise maximum of <paramref name="values"/> over all ranks, in place.</summary>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void AllReduceMax(Span<double> values) => AllReduce(values, MpiDatatype.Double, MpiReduction.Max, "double");

    /// <summary>Takes the element-wise maximum of <paramref name="values"/> over all ranks, in place.</summary>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void AllReduceMax(Span<int> values) => AllReduce(values, MpiDatatype.Int, MpiReduction.Max, "int");

    /// <summary>
    /// Starts summing <paramref name="values"/> element-wise over all ranks, in place, and returns at once; the
    /// memory must not be touched until the request completes. Data moves while the caller computes (see
    /// <see cref="CommunicatorOptions.ProgressInterval"/>).
    /// </summary>
    /// <exception cref="DistributedException">The collective could not be started.</exception>
    public CollectiveRequest StartAllReduceSum(Memory<float> values)
    {
        ThrowIfUnusable();
        var what = new CollectiveDescription("all-reduce (sum)", values.Length, "float");
        if (_api is null)
        {
            return new CollectiveRequest(this, what);
        }

        var pin = values.Pin();
        try
        {
            lock (_gate)
            {
                Check(_api.IAllReduce(null, pin.Pointer, values.Length, MpiDatatype.Float, MpiReduction.Sum, out nint handle), what);
                var request = new CollectiveRequest(this, what, handle, pin);
                _active.Add(request);
                WakeProgressThread();
                return request;
            }
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank.</exception>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void Broadcast(Span<float> values, int root = 0) => Broadcast(values, MpiDatatype.Float, root, "float");

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank.</exception>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void Broadcast(Span<int> values, int root = 0) => Broadcast(values, MpiDatatype.Int, root, "int");

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank.</exception>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void Broadcast(Span<byte> values, int root = 0) => Broadcast(values, MpiDatatype.Byte, root, "byte");

    /// <summary>Returns once every rank has called it.</summary>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void Barrier()
    {
        ThrowIfUnusable();
        if (_api is null)
        {
            return;
        }

        nint request;
        lock (_gate)
        {
            Check(_api.IBarrier(out request), BarrierDescription);
        }

        Await(ref request, BarrierDescription, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Ends the whole job: prints <paramref name="message"/> (prefixed with this rank) to standard error and
    /// makes the launcher stop every rank, exiting with <paramref name="errorCode"/>. A local communicator
    /// exits this process.
    /// </summary>
    [DoesNotReturn]
    public void Abort(string message, int errorCode = 1) => AbortJob($"rank {Rank} of {Size}: {message}", errorCode);

    /// <summary>
    /// Waits for outstanding requests and for every rank to arrive here, then finalizes MPI (when this
    /// communicator initialized it). After a failed or timed-out collective it aborts the job instead, since the
    /// ranks can no longer agree.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (_api is not null)
        {
            if (_failure is null)
            {
                try
                {
                    foreach (var request in ActiveRequests())
                    {
                        request.Wait();
                    }

                    Barrier();
                }
                catch (DistributedException)
                {
                    // _failure now holds the reason; abort below.
                }
            }

            if (_failure is not null)
            {
                AbortJob(_failure + " Aborting the job.", 1);
            }

            StopProgressThread();
            _terminateNotice?.Dispose();
            if (_ownsMpi)
            {
                lock (_gate)
                {
                    _api.Finalize();
                }
            }

            lock (ProcessGate)
            {
                s_mpiInUse = null;
                s_mpiFinalized |= _ownsMpi;
            }
        }

        _progressWanted.Dispose();
        _disposed = true;
    }

    /// <summary>Rank, size and library.</summary>
    public override string ToString() => $"rank {Rank} of {Size} ({Library})";

    /// <summary>The MPI binding in use (null for a local communicator), for measurements against plain MPI calls.</summary>
    internal MpiApi? Api => _api;

    /// <summary>The progress thread's polling interval; <see cref="TimeSpan.Zero"/> stops polling (for measurements).</summary>
    internal TimeSpan ProgressInterval
    {
        get => _progressInterval;
        set
        {
            lock (_gate)
            {
                _progressInterval = value;
            }
        }
    }

    /// <summary>Tests an active request once; true when it has completed.</summary>
    internal bool TestRequest(CollectiveRequest request)
    {
        if (request.IsCompleted)
        {
            request.ThrowIfFailed();
            return true;
        }

        lock (_gate)
        {
            ThrowIfUnusable();
            TestLocked(request);
        }

        request.ThrowIfFailed();
        return request.IsCompleted;
    }

    /// <summary>Waits for an active request within the timeout.</summary>
    internal void WaitRequest(CollectiveRequest request)
    {
        while (!TestRequest(request))
        {
            if (Expired(Timeout, request.Started))
            {
                TimedOut(request.What);
            }

            Pause(request.Started);
        }
    }

    /// <summary>Whether a wait that began at <paramref name="started"/> has run past <paramref name="timeout"/> (never when infinite).</summary>
    internal static bool Expired(TimeSpan timeout, long started) =>
        timeout != System.Threading.Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(started) > timeout;

    [DoesNotReturn]
    private void AbortJob(string line, int errorCode)
    {
        Console.Out.Flush();
        Console.Error.WriteLine(line);
        Console.Error.Flush();
        if (_api is not null && !_disposed)
        {
            // Whatever a stuck thread holds, the job must end: wait briefly for the gate, then abort regardless.
            bool entered = _gate.TryEnter(TimeSpan.FromSeconds(1));
            _api.Abort(errorCode);
            if (entered)
            {
                _gate.Exit();
            }
        }

        Environment.Exit(errorCode);
        throw new UnreachableException();
    }

    private static void Expect(MpiApi api, int code, string function)
    {
        if (code != MpiApi.Success)
        {
            throw new DistributedException($"{function} failed in {api.Family} ({api.File}): {api.ErrorString(code)}.");
        }
    }

    private void AllReduce<T>(Span<T> values, MpiDatatype type, MpiReduction op, string typeName)
        where T : unmanaged
    {
        ThrowIfUnusable();
        if (_api is null)
        {
            return;
        }

        var what = new CollectiveDescription(op == MpiReduction.Sum ? "all-reduce (sum)" : "all-reduce (max)", values.Length, typeName);
        fixed (T* p = values)
        {
            nint request;
            lock (_gate)
            {
                Check(_api.IAllReduce(null, p, values.Length, type, op, out request), what);
            }

            Await(ref request, what, Stopwatch.GetTimestamp());
        }
    }

    private void Broadcast<T>(Span<T> values, MpiDatatype type, int root, string typeName)
        where T : unmanaged
    {
        if ((uint)root >= (uint)Size)
        {
            throw new ArgumentOutOfRangeException(nameof(root), $"Broadcast: root {root} is not a rank of 0..{Size - 1}.");
        }

        ThrowIfUnusable();
        if (_api is null)
        {
            return;
        }

        var what = new CollectiveDescription("broadcast", values.Length, typeName, root);
        fixed (T* p = values)
        {
            nint request;
            lock (_gate)
            {
                Check(_api.IBroadcast(p, values.Length, type, root, out request), what);
            }

            Await(ref request, what, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Polls a request that only this thread knows (not in <see cref="_active"/>) until it completes.</summary>
    private void Await(ref nint request, CollectiveDescription what, long started)
    {
        while (true)
        {
            bool done;
            lock (_gate)
            {
                Check(_api!.Test(ref request, out done), what);
            }

            if (done)
            {
                return;
            }

            if (Expired(Timeout, started))
            {
                TimedOut(what);
            }

            Pause(started);
        }
    }

    private void TestLocked(CollectiveRequest request)
    {
        if (request.IsCompleted)
        {
            return;
        }

        int code = _api!.Test(ref request.Handle, out bool done);
        if (code != MpiApi.Success)
        {
            string message = $"rank {Rank} of {Size}: {request.What} failed: {_api.ErrorString(code)}.";
            _failure ??= message;
            request.Finish(message);
            _active.Remove(request);
        }
        else if (done)
        {
            request.Finish(null);
            _active.Remove(request);
        }
    }

    private void Check(int code, CollectiveDescription what)
    {
        if (code != MpiApi.Success)
        {
            Fail($"rank {Rank} of {Size}: {what} failed: {_api!.ErrorString(code)}.");
        }
    }

    [DoesNotReturn]
    private void TimedOut(CollectiveDescription what)
    {
        string missing = Size == 2 ? $"rank {1 - Rank}" : "another rank";
        Fail($"rank {Rank} of {Size}: {what} did not complete within {Timeout.TotalSeconds:0.###} s: {missing} is not taking part "
            + "(it died, hangs, or runs different code); the job cannot continue.");
    }

    [DoesNotReturn]
    private void Fail(string message)
    {
        _failure ??= message;
        throw new DistributedException(message);
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new DistributedException($"The communicator is unusable after an earlier failure: {_failure}");
        }

        if (!_anyThread && Environment.CurrentManagedThreadId != _creatorThread)
        {
            throw new InvalidOperationException(
                $"{Library} gives no thread support beyond MPI_THREAD_FUNNELED: call the communicator from the thread that created it.");
        }
    }

    private List<CollectiveRequest> ActiveRequests()
    {
        lock (_gate)
        {
            return [.. _active];
        }
    }

    /// <summary>Starts the progress thread on first use, and wakes it; call holding <see cref="_gate"/>.</summary>
    private void WakeProgressThread()
    {
        if (_progressInterval == TimeSpan.Zero || !_anyThread)
        {
            return;
        }

        if (_progressThread is null)
        {
            _progressThread = new Thread(ProgressLoop) { IsBackground = true, Name = "Frost MPI progress" };
            _progressThread.Start();
        }

        _progressWanted.Set();
    }

    private void ProgressLoop()
    {
        while (true)
        {
            _progressWanted.Wait();
            lock (_gate)
            {
                if (_stopping || _failure is not null)
                {
                    return;
                }

                // One MPI_Test drives the library's whole progress engine; testing each records completions.
                for (int i = _active.Count - 1; i >= 0; i--)
                {
                    TestLocked(_active[i]);
                }

                if (_active.Count == 0 || _progressInterval == TimeSpan.Zero)
                {
                    _progressWanted.Reset();
                }
            }

            var interval = _progressInterval;
            if (interval >= TimeSpan.FromMilliseconds(1))
            {
                Thread.Sleep(interval);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    private void StopProgressThread()
    {
        if (_progressThread is null)
        {
            return;
        }

        lock (_gate)
        {
            _stopping = true;
            _progressWanted.Set();
        }

        _progressThread.Join();
        _progressThread = null;
    }

    /// <summary>
    /// Pauses between polls: none for the first 100 ms (MPI_Test is the spin, and a pause instruction costs
    /// microseconds of latency), yielding until 1 s, then sleeping 1 ms (a long wait, e.g. for a rank writing a
    /// checkpoint, should not burn a core).
    /// </summary>
    private static void Pause(long started)
    {
        var waited = Stopwatch.GetElapsedTime(started);
        if (waited < TimeSpan.FromMilliseconds(100))
        {
            return;
        }

        if (waited < TimeSpan.FromSeconds(1))
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
    }
}
