namespace Frost.Data;

/// <summary>
/// A dataset of examples with a length (e.g. token count) read in padded batches: every input of a batch is
/// [N, T, …] with T the length of its longest example, and the entries of an example beyond its length are padding,
/// which the model ignores (e.g. through an attention mask), so an example's result does not depend on the batch it
/// was padded in.
/// </summary>
public interface IVariableLengthDataset : IDataset
{
    /// <summary>The length of example <paramref name="index"/>: the entries along the second axis that are not padding.</summary>
    int LengthOf(int index);
}
