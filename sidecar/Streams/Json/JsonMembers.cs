using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tap.Sidecar.Streams.Json;

/// <summary>
/// Reads members of provider JSON leniently, the one way every format does: a member's kind is checked before it is
/// read, so a missing member, a member of the wrong kind, or a parent that is not an object all read as absent (a
/// default <see cref="JsonElement"/>, null, or an empty array) and a lenient compatible server still aggregates. A value
/// that has the right kind but cannot be read (a string holding an escaped lone surrogate, <c>"\ud800"</c>) throws
/// <see cref="MalformedJsonException"/>, which the aggregator records as <c>malformed_json</c>.
/// </summary>
internal static class JsonMembers
{
    public static bool TryGet(JsonElement element, string name, JsonValueKind kind, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind == kind;
    }

    public static bool TryGetObject(JsonElement element, string name, out JsonElement value) =>
        TryGet(element, name, JsonValueKind.Object, out value);

    public static bool Has(JsonElement element, string name, JsonValueKind kind) => TryGet(element, name, kind, out _);

    /// <summary>The member when it is an object; otherwise a default element, which every reader here takes as absent.</summary>
    public static JsonElement Object(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.Object, out var value) ? value : default;

    /// <summary>The elements of an array member; none when it is absent or not an array.</summary>
    public static JsonElement.ArrayEnumerator Array(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.Array, out var value) ? value.EnumerateArray() : default;

    public static string? String(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.String, out var value) ? Text(value) : null;

    public static long? Int64(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.Number, out var value) && value.TryGetInt64(out var number) ? number : null;

    public static int? Int32(JsonElement element, string name) =>
        TryGet(element, name, JsonValueKind.Number, out var value) && value.TryGetInt32(out var number) ? number : null;

    public static bool True(JsonElement element, string name) => TryGet(element, name, JsonValueKind.True, out _);

    /// <summary>A string element's text.</summary>
    /// <exception cref="MalformedJsonException">The string is valid JSON but not UTF-16 text (an escaped lone surrogate).</exception>
    public static string Text(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new MalformedJsonException(MalformedJsonException.NotText);
        }
    }

    /// <summary>Any value as the JSON text it arrived in, whitespace included; it reads nothing, so it cannot fail.</summary>
    public static string Raw(JsonElement value) => value.GetRawText();

    /// <summary>Any value without the whitespace a pretty-printed body carries.</summary>
    /// <exception cref="MalformedJsonException">A string inside is not UTF-16 text.</exception>
    public static string Compact(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            using var writer = new Utf8JsonWriter(buffer, CompactJson.Options);
            value.WriteTo(writer);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            // Rewriting a string unescapes it: a lone surrogate escape cannot be written back.
            throw new MalformedJsonException(MalformedJsonException.NotText);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
