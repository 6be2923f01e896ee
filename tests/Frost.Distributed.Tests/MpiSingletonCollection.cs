namespace Frost.Distributed.Tests;

/// <summary>The tests that share the process's one MPI singleton communicator.</summary>
[CollectionDefinition(Name)]
public sealed class MpiSingletonCollection : ICollectionFixture<MpiSingletonFixture>
{
    public const string Name = "MPI singleton";
}
