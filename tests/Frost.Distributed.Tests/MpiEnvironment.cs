using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Frost.Distributed.Native;

namespace Frost.Distributed.Tests;

/// <summary>
/// What MPI this machine has: a loadable library (for in-process singleton tests) and launchers (for the
/// multi-rank tests). With <c>FROST_REQUIRE_MPI=1</c> (set by CI, which installs Open MPI) missing pieces fail
/// the tests instead of skipping them.
/// </summary>
internal static class MpiEnvironment
{
    public static bool Required => Environment.GetEnvironmentVariable("FROST_REQUIRE_MPI") == "1";

    /// <summary>Whether some MPI library loads in this process.</summary>
    public static bool LibraryLoads { get; } = MpiLoader.Load(null, null) is not null;

    /// <summary>Open MPI's mpirun, or null.</summary>
    public static string? OpenMpiRun { get; } = FindLauncher(["mpirun.openmpi", "mpirun"], "Open MPI");

    /// <summary>MPICH's Hydra mpiexec, or null.</summary>
    public static string? MpichRun { get; } = FindLauncher(["mpiexec.mpich", "mpiexec.hydra", "mpirun.mpich"], "HYDRA");

    /// <summary>MPICH's mpi.h (libmpich-dev), or null.</summary>
    public static string? MpichHeader { get; } = FindHeader(["/usr/include/{0}/mpich/mpi.h", "/usr/include/mpich/mpi.h", "/usr/include/mpich-{1}/mpi.h"]);

    /// <summary>Open MPI's mpi.h (libopenmpi-dev), or null.</summary>
    public static string? OpenMpiHeader { get; } = FindHeader(
        ["/usr/lib/{0}/openmpi/include/mpi.h", "/usr/include/{0}/openmpi/mpi.h", "/usr/include/openmpi/mpi.h", "/usr/include/openmpi-{1}/mpi.h"]);

    private static string? FindHeader(string[] patterns)
    {
        string arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64" : "x86_64";
        return patterns.Select(p => string.Format(CultureInfo.InvariantCulture, p, arch + "-linux-gnu", arch)).FirstOrDefault(File.Exists);
    }

    private static string? FindLauncher(string[] names, string versionMark)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path) && VersionText(path).Contains(versionMark, StringComparison.OrdinalIgnoreCase))
                {
                    return path;
                }
            }
        }

        return null;
    }

    private static string VersionText(string launcher)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(launcher, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            return p.WaitForExit(10_000) ? output.Result + error.Result : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }
}

/// <summary>A test that needs an MPI library in this process; skipped (visibly) without one unless CI requires it.</summary>
internal sealed class MpiLibraryFactAttribute : FactAttribute
{
    public MpiLibraryFactAttribute()
    {
        if (!MpiEnvironment.LibraryLoads && !MpiEnvironment.Required)
        {
            Skip = "no MPI library loads (install Open MPI: apt-get install openmpi-bin libopenmpi-dev)";
        }
    }
}

/// <summary>A test that launches ranks with Open MPI's mpirun; skipped (visibly) without it unless CI requires it.</summary>
internal sealed class OpenMpiFactAttribute : FactAttribute
{
    public OpenMpiFactAttribute()
    {
        if (MpiEnvironment.OpenMpiRun is null && !MpiEnvironment.Required)
        {
            Skip = "Open MPI's mpirun is not on PATH (install it: apt-get install openmpi-bin libopenmpi-dev)";
        }
    }
}

/// <summary>A test that launches ranks with MPICH's mpiexec; skipped (visibly) without it.</summary>
internal sealed class MpichFactAttribute : FactAttribute
{
    public MpichFactAttribute()
    {
        if (MpiEnvironment.MpichRun is null)
        {
            Skip = "MPICH's mpiexec is not on PATH (install it: apt-get install mpich libmpich-dev)";
        }
    }
}

/// <summary>A test that reads MPICH's mpi.h; skipped (visibly) without it.</summary>
internal sealed class MpichHeaderFactAttribute : FactAttribute
{
    public MpichHeaderFactAttribute()
    {
        if (MpiEnvironment.MpichHeader is null)
        {
            Skip = "MPICH's mpi.h is not installed (apt-get install libmpich-dev)";
        }
    }
}

/// <summary>A test that reads Open MPI's mpi.h; skipped (visibly) without it unless CI requires it.</summary>
internal sealed class OpenMpiHeaderFactAttribute : FactAttribute
{
    public OpenMpiHeaderFactAttribute()
    {
        if (MpiEnvironment.OpenMpiHeader is null && !MpiEnvironment.Required)
        {
            Skip = "Open MPI's mpi.h is not installed (apt-get install libopenmpi-dev)";
        }
    }
}
