using System.Text.Json;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// Reads members of Gemini JSON leniently: a missing member, a member of the wrong type, or a parent that is not an
/// object all read as absent, so no provider input can make the aggregator throw.
/// </summary>
internal static class GeminiJsonValues
{
    public static bool TryGet(JsonElement element, string name, JsonValueKind kind, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind == kind;
    }

    public static string? String(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.String, out var value) ? value.GetString() : null;

    public static long? Int64(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.Number, out var value) && value.TryGetInt64(out var number) ? number : null;

    public static int? Int32(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.Number, out var value) && value.TryGetInt32(out var number) ? number : null;

    public static bool True(JsonElement element, string name) => TryGet(element, name, JsonValueKind.True, out _);

    /// <summary>The elements of an array member; none when it is absent or not an array.</summary>
    public static JsonElement.ArrayEnumerator Array(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.Array, out var value) ? value.EnumerateArray() : default;
}
