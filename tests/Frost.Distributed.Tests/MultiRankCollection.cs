namespace Frost.Distributed.Tests;

/// <summary>Multi-rank jobs run one at a time: each takes the machine's cores.</summary>
[CollectionDefinition(Name)]
public sealed class MultiRankCollection
{
    public const string Name = "multi-rank jobs";
}
