namespace Frost.Autodiff;

/// <summary>
/// Which of a recorded op's tensors its backward function reads: the inputs by position, and the output. What it
/// does not read, the executor may release or overwrite once the forward pass no longer needs it.
/// </summary>
internal readonly record struct Saved(ulong InputMask, bool Output)
{
    /// <summary>
    /// Every input and the output: what an op that says nothing is assumed to read. The executor then also keeps
    /// everything the layer call that recorded it was given, since such a backward may read tensors it captured.
    /// </summary>
    public static Saved All { get; } = new(ulong.MaxValue, true);

    /// <summary>Nothing: the backward reads only the output's gradient (and what the op kept aside itself).</summary>
    public static Saved Nothing { get; } = new(0, false);

    /// <summary>The output alone.</summary>
    public static Saved OutputOnly { get; } = new(0, true);

    /// <summary>The inputs at <paramref name="positions"/>, not the output.</summary>
    public static Saved Inputs(params ReadOnlySpan<int> positions)
    {
        ulong mask = 0;
        foreach (int p in positions)
        {
            mask |= 1UL << p;
        }

        return new(mask, false);
    }

    /// <summary>Whether the backward reads input <paramref name="position"/>.</summary>
    public bool Input(int position) => position >= 64 || (InputMask & (1UL << position)) != 0;
}
