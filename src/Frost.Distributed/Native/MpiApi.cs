using System.Runtime.InteropServices;
using System.Text;

namespace Frost.Distributed.Native;

/// <summary>
/// The MPI functions the communicator uses, bound at run time from one MPI library. Open MPI and MPICH share
/// the function names but not the binary interface: Open MPI's handles are addresses of exported globals and
/// its requests are pointers; MPICH's handles and requests are integers. Each subclass binds one of them; a
/// request is carried as <see cref="nint"/> either way. Every method returns the MPI error code (0 is success).
/// </summary>
internal abstract unsafe class MpiApi
{
    /// <summary>MPI_SUCCESS in both libraries.</summary>
    public const int Success = 0;

    protected MpiApi(string file, nint handle)
    {
        File = file;
        Handle = handle;
    }

    /// <summary>The file name the library was loaded from, e.g. <c>libmpi.so.40</c>.</summary>
    public string File { get; }

    /// <summary>The family of the library: "Open MPI" or "MPICH".</summary>
    public abstract string Family { get; }

    /// <summary>The value of a request that is not (or no longer) active.</summary>
    public abstract nint NullRequest { get; }

    protected nint Handle { get; }

    public abstract int InitThread(MpiThreadLevel required, out MpiThreadLevel provided);

    public abstract int QueryThread(out MpiThreadLevel provided);

    public abstract int Initialized(out bool initialized);

    public abstract int Finalized(out bool finalized);

    public abstract int Rank(out int rank);

    public abstract int Size(out int size);

    /// <summary>Makes errors on the world communicator return codes instead of aborting the job.</summary>
    public abstract int SetErrorsReturn();

    /// <summary>MPI_Allreduce on the world communicator; a null <paramref name="send"/> means in place.</summary>
    public abstract int AllReduce(void* send, void* recv, int count, MpiDatatype type, MpiReduction op);

    /// <summary>MPI_Iallreduce on the world communicator; a null <paramref name="send"/> means in place.</summary>
    public abstract int IAllReduce(void* send, void* recv, int count, MpiDatatype type, MpiReduction op, out nint request);

    public abstract int Broadcast(void* buffer, int count, MpiDatatype type, int root);

    public abstract int IBroadcast(void* buffer, int count, MpiDatatype type, int root, out nint request);

    public abstract int Barrier();

    public abstract int IBarrier(out nint request);

    /// <summary>MPI_Test: sets <paramref name="completed"/> and, when complete, resets the request to null.</summary>
    public abstract int Test(ref nint request, out bool completed);

    public abstract int Wait(ref nint request);

    public abstract int Abort(int errorCode);

    public abstract int Finalize();

    /// <summary>The text MPI gives for an error code.</summary>
    public abstract string ErrorString(int code);

    /// <summary>The library's version text (MPI_Get_library_version), first line only.</summary>
    public abstract string LibraryVersion();

    /// <summary>The address of an exported function or global of the library.</summary>
    protected nint Export(string name) =>
        NativeLibrary.TryGetExport(Handle, name, out nint address)
            ? address
            : throw new DistributedException($"{File} does not export '{name}': it is not a usable {Family} library (MPI 3.0 or later is needed).");

    protected static string Text(byte* text, int length) =>
        string.Join(' ', Encoding.UTF8.GetString(text, Math.Max(0, length)).Split('\n')[0].Split([' ', '\t', '\0', '\r'], StringSplitOptions.RemoveEmptyEntries));

    protected static string ErrorText(delegate* unmanaged<int, byte*, int*, int> errorString, int code)
    {
        // MPI_MAX_ERROR_STRING is 256 in Open MPI and 512 in MPICH.
        byte* buffer = stackalloc byte[1024];
        int length = 0;
        return errorString(code, buffer, &length) == Success ? Text(buffer, length) : $"MPI error {code}";
    }

    protected static string VersionText(delegate* unmanaged<byte*, int*, int> libraryVersion)
    {
        // MPI_MAX_LIBRARY_VERSION_STRING is 256 in Open MPI and 8192 in MPICH.
        byte[] buffer = new byte[8192];
        int length = 0;
        fixed (byte* p = buffer)
        {
            return libraryVersion(p, &length) == Success ? Text(p, length) : "unknown version";
        }
    }
}
