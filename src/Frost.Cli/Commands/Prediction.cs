using System.Text.Json.Serialization;

namespace Frost.Cli.Commands;

/// <summary>The classes a model ranks highest for one input, best first.</summary>
/// <param name="Input">The input classified: a file, FILE:LINE or a record's id, or a literal text.</param>
/// <param name="Top">Class names with their softmax probabilities, most probable first.</param>
/// <param name="Expected">The input's own label, when its record has one (left out of the JSON otherwise).</param>
internal sealed record Prediction(
    string Input,
    IReadOnlyList<ClassProbability> Top,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Expected = null)
{
    /// <summary>The <paramref name="top"/> most probable classes of one row of softmax <paramref name="probabilities"/> (ties by label).</summary>
    public static IReadOnlyList<ClassProbability> Rank(ReadOnlySpan<float> probabilities, IReadOnlyList<string> classNames, int top)
    {
        var p = probabilities.ToArray();
        return [.. Enumerable.Range(0, p.Length).OrderByDescending(c => p[c]).ThenBy(c => c).Take(top).Select(c => new ClassProbability(classNames[c], c, p[c]))];
    }
}

/// <summary>One class and its probability.</summary>
/// <param name="Class">The class name from the model's recipe.</param>
/// <param name="Label">The class's index (the model's output).</param>
/// <param name="Probability">Softmax probability in [0, 1].</param>
internal sealed record ClassProbability(string Class, int Label, double Probability);
