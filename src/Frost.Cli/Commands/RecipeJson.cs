using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Frost.Cli.Commands;

/// <summary>
/// The JSON form of a <see cref="Recipe"/>, read strictly: a missing required member, a null, a member of the
/// wrong type, an unknown member or a repeated one is an error.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(Recipe))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class RecipeJson : JsonSerializerContext
{
    private static readonly JsonWriterOptions s_writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Compact JSON of <paramref name="recipe"/>, non-ASCII class names kept as they are.</summary>
    public static string Write(Recipe recipe) => Write(recipe, Default.Recipe);

    /// <summary>Compact JSON of the class names alone.</summary>
    public static string WriteNames(IReadOnlyList<string> names) => Write([.. names], Default.StringArray);

    /// <summary>Parses <paramref name="json"/>; null when it is malformed, with the reason in <paramref name="error"/>.</summary>
    public static Recipe? Read(string json, out string? error)
    {
        try
        {
            var value = JsonSerializer.Deserialize(json, Default.Recipe);
            error = value is null ? "it is null" : null;
            return value;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Parses a JSON array of class names; null when it is malformed, with the reason in <paramref name="error"/>.</summary>
    public static string[]? ReadNames(string json, out string? error)
    {
        try
        {
            var value = JsonSerializer.Deserialize(json, Default.StringArray);
            error = value is null ? "it is null" : null;
            return value;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, s_writer))
        {
            JsonSerializer.Serialize(w, value, type);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
