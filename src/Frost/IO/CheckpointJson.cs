using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Frost.IO;

/// <summary>One entry of <c>frost.variables</c>.</summary>
internal sealed record VariableRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("trainable")] bool Trainable,
    [property: JsonPropertyName("mask")] string? Mask = null,
    [property: JsonPropertyName("sha256")] string? Sha256 = null);

/// <summary>The value of <c>frost.optimizer</c>.</summary>
internal sealed record OptimizerRecord(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("iterations")] long Iterations,
    [property: JsonPropertyName("slots")] string[] Slots,
    [property: JsonPropertyName("variables")] OptimizerVariableRecord[] Variables,
    [property: JsonPropertyName("transitions")] TransitionRecord[] Transitions);

/// <summary>One variable's step count in <c>frost.optimizer</c>.</summary>
internal sealed record OptimizerVariableRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("step")] long Step);

/// <summary>One freeze transition in <c>frost.optimizer</c>.</summary>
internal sealed record TransitionRecord(
    [property: JsonPropertyName("iteration")] long Iteration,
    [property: JsonPropertyName("frozen")] string[] Frozen,
    [property: JsonPropertyName("unfrozen")] string[] Unfrozen);

/// <summary>
/// The JSON values Frost keeps in a checkpoint's metadata, read strictly: a missing or null member, a member of
/// the wrong type, an unknown member or a repeated one is an error.
/// </summary>
[JsonSourceGenerationOptions(
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VariableRecord[]))]
[JsonSerializable(typeof(OptimizerRecord))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class CheckpointJson : JsonSerializerContext
{
    private static readonly JsonWriterOptions s_writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Compact JSON of <paramref name="value"/>, non-ASCII names kept as they are.</summary>
    public static string Write<T>(T value, JsonTypeInfo<T> type)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, s_writer))
        {
            JsonSerializer.Serialize(w, value, type);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Parses <paramref name="json"/>; null when it is malformed, with the reason in <paramref name="error"/>.</summary>
    public static T? Read<T>(string json, JsonTypeInfo<T> type, out string? error)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize(json, type);
            error = value is null ? "it is null" : null;
            return value;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }
}
