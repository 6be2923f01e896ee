using System.Text.Json.Serialization;

namespace Frost.Adapters;

/// <summary>The <c>frost.adapter</c> record of an adapter file.</summary>
internal sealed record LoraFileRecord(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("targets")] string Targets,
    [property: JsonPropertyName("layers")] string[] Layers,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("alpha")] float Alpha,
    [property: JsonPropertyName("dropout")] float Dropout,
    [property: JsonPropertyName("kept")] string[] Kept,
    [property: JsonPropertyName("state")] string[] State,
    [property: JsonPropertyName("base")] LoraBaseRecord[] Base);

/// <summary>One base variable the adapters were trained on: name, shape and SHA-256 of its values.</summary>
internal sealed record LoraBaseRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>A <see cref="LoraRecipe"/> as JSON.</summary>
internal sealed record LoraRecipeRecord(
    [property: JsonPropertyName("targets")] string Targets,
    [property: JsonPropertyName("layers")] string[] Layers,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("alpha")] float Alpha,
    [property: JsonPropertyName("dropout")] float Dropout,
    [property: JsonPropertyName("kept")] string[] Kept);

/// <summary>Strict JSON for the adapter records: missing, null, unknown or repeated members are errors.</summary>
[JsonSourceGenerationOptions(
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(LoraFileRecord))]
[JsonSerializable(typeof(LoraRecipeRecord))]
internal sealed partial class LoraJson : JsonSerializerContext
{
}
