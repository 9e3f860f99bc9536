using System.Text.Json;
using System.Text.Unicode;

namespace Tap.Sidecar.Streams;

/// <summary>
/// Reads one JSON object sent by a provider (an event's data or a whole body) as every format needs it: text that
/// is not a JSON object is <c>malformed_json</c>, and an object with an <c>error</c> member is <c>provider_error</c>.
/// </summary>
internal static class ProviderJson
{
    /// <summary>The parsed object, or null and the fault it amounts to.</summary>
    /// <param name="what">How the fault message names the input, for example "An event's data".</param>
    public static JsonDocument? TryParseObject(ReadOnlyMemory<byte> utf8, string what, DateTimeOffset at, out StreamFault? fault)
    {
        // JSON parsers may ignore a leading BOM (RFC 8259, section 8.1); System.Text.Json does not.
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        // System.Text.Json checks UTF-8 only when a string is read; a body must fail here, not later.
        if (!Utf8.IsValid(utf8.Span))
        {
            fault = new StreamFault("invalid_utf8", $"{what} is not valid UTF-8.", at);
            return null;
        }

        try
        {
            return Check(JsonDocument.Parse(utf8), what, at, out fault);
        }
        catch (JsonException exception)
        {
            fault = Malformed(exception, what, at);
            return null;
        }
    }

    private static JsonDocument? Check(JsonDocument document, string what, DateTimeOffset at, out StreamFault? fault)
    {
        var root = document.RootElement;
        fault = root.ValueKind != JsonValueKind.Object
            ? new StreamFault("malformed_json", $"{what} is not a JSON object.", at)
            : IsError(root)
                ? new StreamFault("provider_error", ErrorMessage(root), at)
                : null;
        if (fault is null)
        {
            return document;
        }

        document.Dispose();
        return null;
    }

    // A lone surrogate escape in the message is still an error from the provider, just without readable words.
    private static string ErrorMessage(JsonElement root)
    {
        try
        {
            return ProviderErrorBody.TryGetMessage(root) ?? "The provider sent an error object.";
        }
        catch (InvalidOperationException)
        {
            return "The provider sent an error object whose message is not valid text.";
        }
    }

    private static bool IsError(JsonElement root) =>
        root.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.Object or JsonValueKind.String;

    private static StreamFault Malformed(JsonException exception, string what, DateTimeOffset at) =>
        new("malformed_json", $"{what} is not valid JSON (line {exception.LineNumber}, byte {exception.BytePositionInLine}).", at);
}
