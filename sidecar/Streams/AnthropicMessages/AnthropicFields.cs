using System.Text.Json;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Reads optional members of Anthropic JSON: unknown members are ignored and wrong-typed ones read as absent, so a
/// lenient Anthropic-compatible gateway still aggregates.
/// </summary>
internal static class AnthropicFields
{
    /// <summary>
    /// The fault message when <see cref="JsonElement.GetString"/> throws <see cref="InvalidOperationException"/>: it does
    /// on an escaped lone surrogate (<c>"\ud800"</c>), which parses as JSON but is not text.
    /// </summary>
    public const string NotText = "A JSON string is not valid UTF-16 text.";

    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? Int64(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    public static int? Int32(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    public static JsonElement? Object(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    // A default enumerator yields nothing, so a missing or wrong-typed array reads as empty.
    public static JsonElement.ArrayEnumerator Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : default;
}
