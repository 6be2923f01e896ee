using Frost.Distributed.Tests.Worker;

namespace Frost.Distributed.Tests;

/// <summary>
/// Besides holding the tests (run by <c>dotnet test</c>, which does not call this), the test assembly is the
/// program that <c>mpirun</c> starts on every rank for the multi-rank tests: <c>worker &lt;scenario&gt;</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["worker", string scenario])
        {
            return Scenarios.Run(scenario);
        }

        Console.Error.WriteLine("usage: Frost.Distributed.Tests worker <" + string.Join('|', Scenarios.Names) + ">  (one rank of a multi-rank test, under mpirun)");
        return 2;
    }
}
