namespace Frost.Optimizers;

/// <summary>Variables that share a learning rate and weight decay different from the optimizer's defaults.</summary>
public sealed class ParameterGroup
{
    internal ParameterGroup(string name, IReadOnlyList<Variable> variables, float? learningRate, float? weightDecay)
    {
        Name = name;
        Variables = variables;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <summary>A label for reports.</summary>
    public string Name { get; }

    /// <summary>The members.</summary>
    public IReadOnlyList<Variable> Variables { get; }

    /// <summary>Base learning rate for the members (the optimizer's when null); schedules scale it.</summary>
    public float? LearningRate { get; set; }

    /// <summary>Weight decay for the members (the optimizer's when null).</summary>
    public float? WeightDecay { get; set; }
}
