using Frost.Tests.IO;

namespace Frost.Tests;

/// <summary>
/// Entry point of the test assembly when run as a program (the test runner does not use it):
/// <c>save-loop PATH</c> saves checkpoints in a loop for the kill test.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["save-loop", var path])
        {
            SaveLoop.Run(path);
            return 0;
        }

        Console.Error.WriteLine("Frost.Tests runs under 'dotnet test'; 'save-loop PATH' saves checkpoints to PATH until killed.");
        return 2;
    }
}
