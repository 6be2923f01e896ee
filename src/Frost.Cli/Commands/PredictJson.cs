using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Frost.Cli.Commands;

/// <summary>The JSON that <c>frost predict --json</c> writes: one object per input with its ranked classes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(List<Prediction>))]
internal sealed partial class PredictJson : JsonSerializerContext
{
    private static readonly PredictJson s_relaxed = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The predictions as an indented JSON array, non-ASCII names kept as they are.</summary>
    public static string Write(List<Prediction> predictions)
        => JsonSerializer.Serialize(predictions, s_relaxed.ListPrediction);
}
