using System.Runtime.InteropServices;
using System.Text;
using Frost.Distributed.Native;

namespace Frost.Distributed.Tests;

public class MpiLoaderTests
{
    private static Func<string, string?> Env(params string[] set) => name => set.Contains(name) ? "1" : null;

    [Fact]
    public void Open_MPI_mpirun_is_told_from_OMPI_variables_and_calls_for_libmpi_40()
    {
        var launcher = MpiLoader.DetectLauncher(Env("OMPI_COMM_WORLD_SIZE", "PMIX_RANK"));
        Assert.NotNull(launcher);
        Assert.Equal("libmpi.so.40", launcher.Files[0]);
        Assert.Contains("Open MPI", launcher.Description, StringComparison.Ordinal);
        Assert.Contains("apt-get install openmpi-bin", launcher.Install, StringComparison.Ordinal);
    }

    [Fact]
    public void Hydra_is_told_from_PMI_variables_and_calls_for_libmpich_12()
    {
        var launcher = MpiLoader.DetectLauncher(Env("PMI_RANK", "PMI_SIZE", "PMI_FD"));
        Assert.NotNull(launcher);
        Assert.Equal("libmpich.so.12", launcher.Files[0]);
        Assert.Contains("apt-get install mpich", launcher.Install, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PMIx_launcher_calls_for_Open_MPI_and_no_launcher_for_nothing()
    {
        Assert.Equal("libmpi.so.40", MpiLoader.DetectLauncher(Env("PMIX_RANK"))!.Files[0]);
        Assert.Null(MpiLoader.DetectLauncher(Env()));
    }

    [Fact]
    public void A_launched_process_whose_library_is_missing_gets_one_line_naming_what_to_install()
    {
        var launcher = new MpiLauncher("Open MPI's mpirun (OMPI_COMM_WORLD_SIZE is set)", ["libfrost-no-such-mpi.so.40"], MpiLoader.InstallOpenMpi);
        var e = Assert.Throws<DistributedException>(() => MpiLoader.Load(null, launcher));
        Assert.Equal(
            "This process was started by Open MPI's mpirun (OMPI_COMM_WORLD_SIZE is set) but none of libfrost-no-such-mpi.so.40 could be loaded: "
            + "install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev).",
            e.Message);
    }

    [Fact]
    public void An_explicit_library_that_is_missing_or_not_MPI_is_named_in_the_error()
    {
        var e = Assert.Throws<DistributedException>(() => MpiLoader.Load("libfrost-no-such-mpi.so", null));
        Assert.Contains("'libfrost-no-such-mpi.so' could not be loaded", e.Message, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            e = Assert.Throws<DistributedException>(() => MpiLoader.Load("libc.so.6", null));
            Assert.Contains("does not export MPI_Init_thread", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Loading_turns_off_UCX_memory_hooks_in_the_native_environment_unless_the_user_set_them()
    {
        string? before = Environment.GetEnvironmentVariable("UCX_MEM_EVENTS");
        Assert.Throws<DistributedException>(() => MpiLoader.Load("libfrost-no-such-mpi.so", null));
        if (OperatingSystem.IsLinux())
        {
            // MPI reads the process's C environment, which Environment.GetEnvironmentVariable does not see change.
            Assert.Equal(before ?? "no", NativeGetenv("UCX_MEM_EVENTS"));
        }
    }

    [MpichFact]
    public void Loading_MPICH_leaves_the_code_of_libc_munmap_and_madvise_as_it_was()
    {
        // UCX, which MPICH loads, would otherwise overwrite their first instructions while other threads run them.
        nint libc = NativeLibrary.Load("libc.so.6");
        string[] functions = ["munmap", "madvise", "mmap"];
        string[] before = [.. functions.Select(f => Code(libc, f))];
        MpiLoader.Load("libmpich.so.12", null);
        string[] after = [.. functions.Select(f => Code(libc, f))];
        Assert.Equal(before, after);
        Assert.All(after, code => Assert.DoesNotMatch("^48B8[0-9A-F]{16}FFE0", code)); // UCX's patch: movabs rax, hook; jmp rax
    }

    private static unsafe string Code(nint library, string function) =>
        Convert.ToHexString(new ReadOnlySpan<byte>((byte*)NativeLibrary.GetExport(library, function), 16));

    private static unsafe string? NativeGetenv(string name)
    {
        nint libc = NativeLibrary.Load("libc.so.6");
        var getenv = (delegate* unmanaged<byte*, byte*>)NativeLibrary.GetExport(libc, "getenv");
        byte[] n = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = n)
        {
            byte* value = getenv(p);
            return value == null ? null : Marshal.PtrToStringUTF8((nint)value);
        }
    }

    [MpiLibraryFact]
    public void The_binary_interface_is_told_from_the_exports_of_whichever_library_loads()
    {
        int loaded = 0;
        foreach (string file in MpiLoader.OpenMpiFiles.Concat(MpiLoader.MpichFiles))
        {
            MpiApi api;
            try
            {
                api = MpiLoader.Load(file, null)!;
            }
            catch (DistributedException)
            {
                continue;
            }

            loaded++;
            bool openMpi = NativeLibrary.TryGetExport(NativeLibrary.Load(file), "ompi_mpi_comm_world", out _);
            Assert.IsType(openMpi ? typeof(OpenMpiApi) : typeof(MpichApi), api);
            Assert.Equal(openMpi ? "Open MPI" : "MPICH", api.Family);
            Assert.Matches(openMpi ? "Open MPI" : "MPICH", api.LibraryVersion());
        }

        Assert.True(loaded > 0);
    }
}
