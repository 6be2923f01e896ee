namespace Frost.Distributed.Native;

/// <summary>
/// MPICH's binary interface (checked against MPICH 4.0's mpi.h; Intel MPI and MVAPICH share it): handles and
/// requests are 32-bit integers (<c>MPI_COMM_WORLD</c> = 0x44000000, <c>MPI_FLOAT</c> = 0x4c00040a,
/// <c>MPI_SUM</c> = 0x58000003, <c>MPI_REQUEST_NULL</c> = 0x2c000000), <c>MPI_IN_PLACE</c> is <c>(void*)-1</c>
/// and <c>MPI_STATUS_IGNORE</c> is <c>(MPI_Status*)1</c>.
/// </summary>
internal sealed unsafe class MpichApi : MpiApi
{
    internal const int World = 0x44000000;
    internal const int FloatType = 0x4c00040a;
    internal const int DoubleType = 0x4c00080b;
    internal const int IntType = 0x4c000405;
    internal const int ByteType = 0x4c00010d;
    internal const int SumOp = 0x58000003;
    internal const int MaxOp = 0x58000001;
    internal const int ErrorsReturn = 0x54000001;
    internal const int RequestNull = 0x2c000000;
    internal const int InPlaceAddress = -1;
    internal const int StatusIgnoreAddress = 1;
    private static readonly void* InPlace = (void*)InPlaceAddress;
    private static readonly void* StatusIgnore = (void*)StatusIgnoreAddress;

    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int*, int> _initialized, _finalized, _queryThread;
    private readonly delegate* unmanaged<int, int*, int> _commRank, _commSize;
    private readonly delegate* unmanaged<int, int, int> _setErrhandler;
    private readonly delegate* unmanaged<void*, void*, int, int, int, int, int> _allreduce;
    private readonly delegate* unmanaged<void*, void*, int, int, int, int, int*, int> _iallreduce;
    private readonly delegate* unmanaged<void*, int, int, int, int, int> _bcast;
    private readonly delegate* unmanaged<void*, int, int, int, int, int*, int> _ibcast;
    private readonly delegate* unmanaged<int, int> _barrier;
    private readonly delegate* unmanaged<int, int*, int> _ibarrier;
    private readonly delegate* unmanaged<int*, int*, void*, int> _test;
    private readonly delegate* unmanaged<int*, void*, int> _wait;
    private readonly delegate* unmanaged<int, int, int> _abort;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;
    private readonly delegate* unmanaged<byte*, int*, int> _libraryVersion;

    public MpichApi(string file, nint handle)
        : base(file, handle)
    {
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread");
        _initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        _queryThread = (delegate* unmanaged<int*, int>)Export("MPI_Query_thread");
        _commRank = (delegate* unmanaged<int, int*, int>)Export("MPI_Comm_rank");
        _commSize = (delegate* unmanaged<int, int*, int>)Export("MPI_Comm_size");
        _setErrhandler = (delegate* unmanaged<int, int, int>)Export("MPI_Comm_set_errhandler");
        _allreduce = (delegate* unmanaged<void*, void*, int, int, int, int, int>)Export("MPI_Allreduce");
        _iallreduce = (delegate* unmanaged<void*, void*, int, int, int, int, int*, int>)Export("MPI_Iallreduce");
        _bcast = (delegate* unmanaged<void*, int, int, int, int, int>)Export("MPI_Bcast");
        _ibcast = (delegate* unmanaged<void*, int, int, int, int, int*, int>)Export("MPI_Ibcast");
        _barrier = (delegate* unmanaged<int, int>)Export("MPI_Barrier");
        _ibarrier = (delegate* unmanaged<int, int*, int>)Export("MPI_Ibarrier");
        _test = (delegate* unmanaged<int*, int*, void*, int>)Export("MPI_Test");
        _wait = (delegate* unmanaged<int*, void*, int>)Export("MPI_Wait");
        _abort = (delegate* unmanaged<int, int, int>)Export("MPI_Abort");
        _finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        _libraryVersion = (delegate* unmanaged<byte*, int*, int>)Export("MPI_Get_library_version");
    }

    public override string Family => "MPICH";

    public override nint NullRequest => RequestNull;

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
        int rc = _commRank(World, &r);
        rank = r;
        return rc;
    }

    public override int Size(out int size)
    {
        int s = 0;
        int rc = _commSize(World, &s);
        size = s;
        return rc;
    }

    public override int SetErrorsReturn() => _setErrhandler(World, ErrorsReturn);

    public override int AllReduce(void* send, void* recv, int count, MpiDatatype type, MpiReduction op) =>
        _allreduce(send is null ? InPlace : send, recv, count, Type(type), Op(op), World);

    public override int IAllReduce(void* send, void* recv, int count, MpiDatatype type, MpiReduction op, out nint request)
    {
        int r = RequestNull;
        int rc = _iallreduce(send is null ? InPlace : send, recv, count, Type(type), Op(op), World, &r);
        request = r;
        return rc;
    }

    public override int Broadcast(void* buffer, int count, MpiDatatype type, int root) => _bcast(buffer, count, Type(type), root, World);

    public override int IBroadcast(void* buffer, int count, MpiDatatype type, int root, out nint request)
    {
        int r = RequestNull;
        int rc = _ibcast(buffer, count, Type(type), root, World, &r);
        request = r;
        return rc;
    }

    public override int Barrier() => _barrier(World);

    public override int IBarrier(out nint request)
    {
        int r = RequestNull;
        int rc = _ibarrier(World, &r);
        request = r;
        return rc;
    }

    public override int Test(ref nint request, out bool completed)
    {
        int r = (int)request;
        int flag = 0;
        int rc = _test(&r, &flag, StatusIgnore);
        request = r;
        completed = flag != 0;
        return rc;
    }

    public override int Wait(ref nint request)
    {
        int r = (int)request;
        int rc = _wait(&r, StatusIgnore);
        request = r;
        return rc;
    }

    public override int Abort(int errorCode) => _abort(World, errorCode);

    public override int Finalize() => _finalize();

    public override string ErrorString(int code) => ErrorText(_errorString, code);

    public override string LibraryVersion() => VersionText(_libraryVersion);

    private static int Type(MpiDatatype type) => type switch
    {
        MpiDatatype.Float => FloatType,
        MpiDatatype.Double => DoubleType,
        MpiDatatype.Int => IntType,
        _ => ByteType,
    };

    private static int Op(MpiReduction op) => op == MpiReduction.Sum ? SumOp : MaxOp;
}
