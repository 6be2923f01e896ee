using System.Runtime.InteropServices;

namespace Frost.Distributed.Native;

/// <summary>
/// Finds and loads the MPI library that matches the launcher of this process. Open MPI's <c>mpirun</c> sets
/// <c>OMPI_COMM_WORLD_SIZE</c> (and PMIx's <c>PMIX_RANK</c>, also set by Slurm with PMIx); MPICH's Hydra
/// <c>mpiexec</c> and Slurm with PMI-1/2 set <c>PMI_RANK</c>/<c>PMI_SIZE</c>. A process started without a
/// launcher gets whichever library loads, Open MPI first. The binary interface is told by the exports, not the
/// file name: Open MPI exports its predefined handles as globals (<c>ompi_mpi_comm_world</c>).
/// </summary>
internal static class MpiLoader
{
    /// <summary>Open MPI 3.x to 5.x.</summary>
    internal static readonly string[] OpenMpiFiles = ["libmpi.so.40", "libmpi.so", "libmpi.40.dylib"];

    /// <summary>MPICH 3.1 and later, and libraries sharing its interface (Intel MPI, MVAPICH).</summary>
    internal static readonly string[] MpichFiles = ["libmpich.so.12", "libmpi.so.12", "libmpich.so", "libmpich.12.dylib"];

    internal const string InstallOpenMpi = "install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev)";
    internal const string InstallMpich = "install MPICH (Debian/Ubuntu: apt-get install mpich libmpich-dev)";

    /// <summary>Which launcher started this process, read from the variables it sets; null without one.</summary>
    public static MpiLauncher? DetectLauncher(Func<string, string?> environment)
    {
        if (environment("OMPI_COMM_WORLD_SIZE") is not null)
        {
            return new MpiLauncher("Open MPI's mpirun (OMPI_COMM_WORLD_SIZE is set)", OpenMpiFiles, InstallOpenMpi);
        }

        if (environment("PMI_RANK") is not null || environment("PMI_SIZE") is not null || environment("PMI_FD") is not null)
        {
            return new MpiLauncher("an MPICH-style launcher (PMI_RANK is set)", MpichFiles, InstallMpich);
        }

        if (environment("PMIX_RANK") is not null)
        {
            return new MpiLauncher("a PMIx launcher (PMIX_RANK is set)", OpenMpiFiles, InstallOpenMpi);
        }

        return null;
    }

    /// <summary>
    /// Loads an MPI library: <paramref name="file"/> when given, else the one the launcher calls for, else the
    /// first that loads. Returns null only when no launcher is detected and no library loads; throws when a
    /// requested or required library does not load.
    /// </summary>
    public static MpiApi? Load(string? file, MpiLauncher? launcher)
    {
        // UCX (under MPICH, and under Open MPI on InfiniBand) reads this when its library loads; its default
        // installs a SIGSEGV handler that turns .NET's NullReferenceException into a fatal "Caught signal 11".
        NativeEnvironment.SetDefault("UCX_ERROR_SIGNALS", "");

        // UCX's memory hooks (UCM) rewrite the first instructions of libc's mmap, munmap and madvise as soon as its
        // library loads (MPICH loads it, and Open MPI on InfiniBand). The runtime's other threads (the garbage
        // collector, thread-pool work) call those at any time, and one caught mid-rewrite crashes the process. Without
        // memory events UCX does without the registration cache they keep valid.
        NativeEnvironment.SetDefault("UCX_MEM_EVENTS", "no");

        // Open MPI's non-blocking all-reduce (coll/libnbc) picks a binomial reduce + broadcast for fewer than 4
        // ranks: measured on 2 local ranks of Open MPI 4.1.4, 2x slower than the blocking MPI_Allreduce at 1-4 MB
        // and 5x at 4 KB. Rabenseifner's reduce-scatter + all-gather (3) runs as fast as the blocking one there.
        NativeEnvironment.SetDefault("OMPI_MCA_coll_libnbc_iallreduce_algorithm", "3");
        if (file is not null)
        {
            return TryOpen(file, out var api, out string? why)
                ? api
                : throw new DistributedException($"The MPI library '{file}' could not be loaded ({why}).");
        }

        string[] candidates = launcher?.Files ?? [.. OpenMpiFiles, .. MpichFiles];
        foreach (string name in candidates)
        {
            if (TryOpen(name, out var api, out _))
            {
                return api;
            }
        }

        return launcher is null
            ? null
            : throw new DistributedException(
                $"This process was started by {launcher.Description} but none of {string.Join(", ", launcher.Files)} could be loaded: {launcher.Install}.");
    }

    private static bool TryOpen(string name, out MpiApi? api, out string? why)
    {
        api = null;
        why = null;
        nint handle;
        try
        {
            handle = NativeLibrary.Load(name);
        }
        catch (DllNotFoundException e)
        {
            why = e.Message.Split('\n')[0];
            return false;
        }

        if (!NativeLibrary.TryGetExport(handle, "MPI_Init_thread", out _))
        {
            why = "it does not export MPI_Init_thread";
            return false;
        }

        api = NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _)
            ? new OpenMpiApi(name, handle)
            : new MpichApi(name, handle);
        return true;
    }
}
