namespace Frost.Layers;

/// <summary>What a <see cref="BertEncoder"/> call returns.</summary>
public enum BertOutput
{
    /// <summary>The last layer's hidden states [N, T, D] (Hugging Face's <c>last_hidden_state</c>).</summary>
    HiddenStates,

    /// <summary>The pooler's output [N, D]: <c>tanh(pooler(h[:, 0]))</c> on the first ([CLS]) token.</summary>
    Pooled,
}
