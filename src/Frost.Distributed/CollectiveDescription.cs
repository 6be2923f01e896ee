using System.Globalization;

namespace Frost.Distributed;

/// <summary>
/// What a collective is, for messages (e.g. "all-reduce (sum) of 1,024 floats"); formatted only when a message
/// is needed, so the fast path allocates nothing for it.
/// </summary>
internal readonly record struct CollectiveDescription(string Operation, int Count, string Type, int Root = -1)
{
    public override string ToString()
    {
        string operation = Root >= 0 ? $"{Operation} from rank {Root}" : Operation;
        return Count < 0
            ? operation
            : string.Create(CultureInfo.InvariantCulture, $"{operation} of {Count:N0} {Type}{(Count == 1 ? "" : "s")}");
    }
}
