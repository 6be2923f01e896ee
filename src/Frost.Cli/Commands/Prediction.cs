namespace Frost.Cli.Commands;

/// <summary>The classes a model ranks highest for one input, best first.</summary>
/// <param name="Input">The file classified.</param>
/// <param name="Top">Class names with their softmax probabilities, most probable first.</param>
internal sealed record Prediction(string Input, IReadOnlyList<ClassProbability> Top);

/// <summary>One class and its probability.</summary>
/// <param name="Class">The class name from the model's recipe.</param>
/// <param name="Label">The class's index (the model's output).</param>
/// <param name="Probability">Softmax probability in [0, 1].</param>
internal sealed record ClassProbability(string Class, int Label, double Probability);
