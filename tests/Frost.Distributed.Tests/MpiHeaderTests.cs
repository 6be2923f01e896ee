using System.Globalization;
using System.Text.RegularExpressions;
using Frost.Distributed.Native;

namespace Frost.Distributed.Tests;

/// <summary>The binary-interface constants of the P/Invoke layer, checked against the installed mpi.h files.</summary>
public class MpiHeaderTests
{
    [MpichHeaderFact]
    public void MPICH_handles_and_special_addresses_match_its_mpi_h()
    {
        string h = File.ReadAllText(MpiEnvironment.MpichHeader!);
        Assert.Equal(MpichApi.World, Handle(h, "MPI_COMM_WORLD"));
        Assert.Equal(MpichApi.FloatType, Handle(h, "MPI_FLOAT"));
        Assert.Equal(MpichApi.DoubleType, Handle(h, "MPI_DOUBLE"));
        Assert.Equal(MpichApi.IntType, Handle(h, "MPI_INT"));
        Assert.Equal(MpichApi.ByteType, Handle(h, "MPI_BYTE"));
        Assert.Equal(MpichApi.SumOp, Handle(h, "MPI_SUM"));
        Assert.Equal(MpichApi.MaxOp, Handle(h, "MPI_MAX"));
        Assert.Equal(MpichApi.ErrorsReturn, Handle(h, "MPI_ERRORS_RETURN"));
        Assert.Equal(MpichApi.RequestNull, Handle(h, "MPI_REQUEST_NULL"));
        Assert.Matches(@"typedef int MPI_Request;", h);
        Assert.Equal(MpichApi.InPlaceAddress, Number(h, @"#define\s+MPI_IN_PLACE\s+\(\s*void\s*\*\s*\)\s*(-?\d+)"));
        Assert.Equal(MpichApi.StatusIgnoreAddress, Number(h, @"#define\s+MPI_STATUS_IGNORE\s+\(\s*MPI_Status\s*\*\s*\)\s*(\d+)"));
        Assert.Equal((int)MpiThreadLevel.Serialized, Number(h, @"#define\s+MPI_THREAD_SERIALIZED\s+(\d+)"));
        Assert.Equal((int)MpiThreadLevel.Multiple, Number(h, @"#define\s+MPI_THREAD_MULTIPLE\s+(\d+)"));
    }

    [OpenMpiHeaderFact]
    public void Open_MPI_handles_and_special_addresses_match_its_mpi_h()
    {
        string header = MpiEnvironment.OpenMpiHeader ?? throw new FileNotFoundException("Open MPI's mpi.h (libopenmpi-dev) is not installed");
        string h = File.ReadAllText(header);
        foreach (var (handle, global) in OpenMpiApi.Globals)
        {
            var m = Regex.Match(h, $@"#define\s+{handle}\s+OMPI_PREDEFINED_GLOBAL\(\s*\w+\s*,\s*(\w+)\s*\)");
            Assert.True(m.Success, $"{handle} not found in {header}");
            Assert.Equal(global, m.Groups[1].Value);
        }

        Assert.Matches(@"typedef struct ompi_request_t \*MPI_Request;", h);
        Assert.Equal(OpenMpiApi.InPlaceAddress, Number(h, @"#define\s+MPI_IN_PLACE\s+\(\(\s*void\s*\*\s*\)\s*(\d+)\)"));
        Assert.Equal(OpenMpiApi.StatusIgnoreAddress, Number(h, @"#define\s+MPI_STATUS_IGNORE\s+\(\(\s*MPI_Status\s*\*\s*\)\s*(\d+)\)"));
        Assert.Matches(@"MPI_THREAD_SINGLE,\s*MPI_THREAD_FUNNELED,\s*MPI_THREAD_SERIALIZED,\s*MPI_THREAD_MULTIPLE", h);
    }

    private static int Handle(string header, string name) =>
        Number(header, $@"#define\s+{name}\s+\(*\s*\(\s*MPI_\w+\s*\)\s*\(*\s*0x([0-9a-fA-F]+)", hex: true);

    private static int Number(string header, string pattern, bool hex = false)
    {
        var m = Regex.Match(header, pattern);
        Assert.True(m.Success, $"no match for {pattern}");
        return hex ? int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
