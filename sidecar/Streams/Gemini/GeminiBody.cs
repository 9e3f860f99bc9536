using System.Text.Json;
using System.Text.Unicode;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// Reads a non-streamed body: one GenerateContentResponse from <c>generateContent</c>, or the JSON array of them that
/// <c>streamGenerateContent</c> returns without <c>alt=sse</c>. An error object, alone or as an array element, is a
/// provider error.
/// </summary>
internal static class GeminiBody
{
    private const string What = "The response body";

    /// <summary>The parsed body, or null and the fault it amounts to.</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> utf8, DateTimeOffset at, out StreamFault? fault)
    {
        // JSON parsers may ignore a leading BOM (RFC 8259, section 8.1); System.Text.Json does not.
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (!utf8.Span.TrimStart(" \t\r\n"u8).StartsWith("["u8))
        {
            return ProviderJson.TryParseObject(utf8, What, at, out fault);
        }

        // System.Text.Json checks UTF-8 only when a string is read; a body must fail here, not later.
        if (!Utf8.IsValid(utf8.Span))
        {
            fault = new StreamFault("invalid_utf8", $"{What} is not valid UTF-8.", at);
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(utf8);
            fault = CheckElements(document.RootElement, at);
            if (fault is null)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException exception)
        {
            fault = new StreamFault("malformed_json", $"{What} is not valid JSON (line {exception.LineNumber}, byte {exception.BytePositionInLine}).", at);
            return null;
        }
    }

    /// <summary>The responses of the body in order: the array's elements, or the body itself.</summary>
    public static IEnumerable<JsonElement> Responses(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : [root];

    private static StreamFault? CheckElements(JsonElement array, DateTimeOffset at)
    {
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return new StreamFault("malformed_json", $"{What} is an array of something other than JSON objects.", at);
            }

            if (element.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.Object or JsonValueKind.String)
            {
                return new StreamFault("provider_error", ProviderErrorBody.TryGetMessage(element) ?? "The provider sent an error object.", at);
            }
        }

        return null;
    }
}
