namespace Frost.Distributed.Native;

/// <summary>
/// Open MPI's binary interface (checked against Open MPI 4.1's mpi.h): every handle is the address of an
/// exported global (<c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>, <c>MPI_FLOAT</c> is
/// <c>&amp;ompi_mpi_float</c>, …), <c>MPI_Request</c> is a pointer, <c>MPI_IN_PLACE</c> is <c>(void*)1</c> and
/// <c>MPI_STATUS_IGNORE</c> is null.
/// </summary>
internal sealed unsafe class OpenMpiApi : MpiApi
{
    /// <summary>The exported global behind each predefined handle, by the handle's name in mpi.h.</summary>
    internal static readonly (string Handle, string Global)[] Globals =
    [
        ("MPI_COMM_WORLD", "ompi_mpi_comm_world"), ("MPI_FLOAT", "ompi_mpi_float"), ("MPI_DOUBLE", "ompi_mpi_double"),
        ("MPI_INT", "ompi_mpi_int"), ("MPI_BYTE", "ompi_mpi_byte"), ("MPI_SUM", "ompi_mpi_op_sum"), ("MPI_MAX", "ompi_mpi_op_max"),
        ("MPI_ERRORS_RETURN", "ompi_mpi_errors_return"), ("MPI_REQUEST_NULL", "ompi_request_null"),
    ];

    internal const int InPlaceAddress = 1;
    internal const int StatusIgnoreAddress = 0;
    private static readonly void* InPlace = (void*)InPlaceAddress;
    private static readonly void* StatusIgnore = (void*)StatusIgnoreAddress;

    private readonly nint _world, _float, _double, _int, _byte, _sum, _max, _errorsReturn, _requestNull;
    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int*, int> _initialized, _finalized, _queryThread;
    private readonly delegate* unmanaged<nint, int*, int> _commRank, _commSize;
    private readonly delegate* unmanaged<nint, nint, int> _setErrhandler;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> _iallreduce;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, nint*, int> _ibcast;
    private readonly delegate* unmanaged<nint, int> _barrier;
    private readonly delegate* unmanaged<nint, nint*, int> _ibarrier;
    private readonly delegate* unmanaged<nint*, int*, void*, int> _test;
    private readonly delegate* unmanaged<nint*, void*, int> _wait;
    private readonly delegate* unmanaged<nint, int, int> _abort;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;
    private readonly delegate* unmanaged<byte*, int*, int> _libraryVersion;

    public OpenMpiApi(string file, nint handle)
        : base(file, handle)
    {
        _world = Export(Globals[0].Global);
        _float = Export(Globals[1].Global);
        _double = Export(Globals[2].Global);
        _int = Export(Globals[3].Global);
        _byte = Export(Globals[4].Global);
        _sum = Export(Globals[5].Global);
        _max = Export(Globals[6].Global);
        _errorsReturn = Export(Globals[7].Global);
        _requestNull = Export(Globals[8].Global);
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread");
        _initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        _queryThread = (delegate* unmanaged<int*, int>)Export("MPI_Query_thread");
        _commRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        _setErrhandler = (delegate* unmanaged<nint, nint, int>)Export("MPI_Comm_set_errhandler");
        _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Export("MPI_Allreduce");
        _iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Export("MPI_Iallreduce");
        _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Export("MPI_Bcast");
        _ibcast = (delegate* unmanaged<void*, int, nint, int, nint, nint*, int>)Export("MPI_Ibcast");
        _barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier");
        _ibarrier = (delegate* unmanaged<nint, nint*, int>)Export("MPI_Ibarrier");
        _test = (delegate* unmanaged<nint*, int*, void*, int>)Export("MPI_Test");
        _wait = (delegate* unmanaged<nint*, void*, int>)Export("MPI_Wait");
        _abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        _finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        _libraryVersion = (delegate* unmanaged<byte*, int*, int>)Export("MPI_Get_library_version");
    }

    public override string Family => "Open MPI";

    public override nint NullRequest => _requestNull;

    public override int InitThread(MpiThreadLevel required, out MpiThreadLevel provided)
    {
        int p = 0;
        int rc = _initThread(null, null, (int)required, &p);
        provided = (MpiThreadLevel)p;
        return rc;
    }

    public override int QueryThread(out MpiThreadLevel provided)
    {
        int p = 0;
        int rc = _queryThread(&p);
        provided = (MpiThreadLevel)p;
        return rc;
    }

    public override int Initialized(out bool initialized)
    {
        int flag = 0;
        int rc = _initialized(&flag);
        initialized = flag != 0;
        return rc;
    }

    public override int Finalized(out bool finalized)
    {
        int flag = 0;
        int rc = _finalized(&flag);
        finalized = flag != 0;
        return rc;
    }

    public override int Rank(out int rank)
    {
        int r = 0;
        int rc = _commRank(_world, &r);
        rank = r;
        return rc;
    }

    public override int Size(out int size)
    {
        int s = 0;
        int rc = _commSize(_world, &s);
        size = s;
        return rc;
    }

    public override int SetErrorsReturn() => _setErrhandler(_world, _errorsReturn);

    public override int AllReduce(void* send, void* recv, int count, MpiDatatype type, MpiReduction op) =>
        _allreduce(send is null ? InPlace : send, recv, count, Type(type), Op(op), _world);

    public override int IAllReduce(void* send, void* recv, int count, MpiDatatype type, MpiReduction op, out nint request)
    {
        nint r = _requestNull;
        int rc = _iallreduce(send is null ? InPlace : send, recv, count, Type(type), Op(op), _world, &r);
        request = r;
        return rc;
    }

    public override int Broadcast(void* buffer, int count, MpiDatatype type, int root) => _bcast(buffer, count, Type(type), root, _world);

    public override int IBroadcast(void* buffer, int count, MpiDatatype type, int root, out nint request)
    {
        nint r = _requestNull;
        int rc = _ibcast(buffer, count, Type(type), root, _world, &r);
        request = r;
        return rc;
    }

    public override int Barrier() => _barrier(_world);

    public override int IBarrier(out nint request)
    {
        nint r = _requestNull;
        int rc = _ibarrier(_world, &r);
        request = r;
        return rc;
    }

    public override int Test(ref nint request, out bool completed)
    {
        nint r = request;
        int flag = 0;
        int rc = _test(&r, &flag, StatusIgnore);
        request = r;
        completed = flag != 0;
        return rc;
    }

    public override int Wait(ref nint request)
    {
        nint r = request;
        int rc = _wait(&r, StatusIgnore);
        request = r;
        return rc;
    }

    public override int Abort(int errorCode) => _abort(_world, errorCode);

    public override int Finalize() => _finalize();

    public override string ErrorString(int code) => ErrorText(_errorString, code);

    public override string LibraryVersion() => VersionText(_libraryVersion);

    private nint Type(MpiDatatype type) => type switch
    {
        MpiDatatype.Float => _float,
        MpiDatatype.Double => _double,
        MpiDatatype.Int => _int,
        _ => _byte,
    };

    private nint Op(MpiReduction op) => op == MpiReduction.Sum ? _sum : _max;
}
