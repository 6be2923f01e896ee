namespace Frost.Distributed.Native;

/// <summary>A launcher detected from the environment: what it is, the libraries it needs, how to install them.</summary>
internal sealed record MpiLauncher(string Description, string[] Files, string Install);
