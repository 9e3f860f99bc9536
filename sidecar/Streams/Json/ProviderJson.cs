using System.Text.Json;
using System.Text.Unicode;
using Tap.Sidecar.Outcome;

namespace Tap.Sidecar.Streams.Json;

/// <summary>
/// Parses one JSON value sent by a provider (an event's data or a whole body) as every format needs it: a leading BOM
/// is skipped, text that is not valid UTF-8 is <c>invalid_utf8</c>, text that is not a JSON object (or, for a Gemini
/// body, an array of objects) is <c>malformed_json</c>, and an object with an <c>error</c> member is
/// <c>provider_error</c> unless the format says the member is its own.
/// </summary>
internal static class ProviderJson
{
    /// <summary>How a fault names a streamed event's data.</summary>
    public const string EventData = "An event's data";

    /// <summary>How a fault names a non-streamed body.</summary>
    public const string ResponseBody = "The response body";

    /// <summary>
    /// <paramref name="utf8"/> without its UTF-8 BOM: JSON parsers may ignore one (RFC 8259, section 8.1), System.Text.Json
    /// does not. Every provider text is parsed through here, so the BOM is stripped in this one place.
    /// </summary>
    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> utf8) => utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;

    /// <inheritdoc cref="WithoutBom(ReadOnlySpan{byte})"/>
    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> utf8) => utf8.Span.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;

    /// <summary>The parsed object, or null and the fault it amounts to.</summary>
    /// <param name="what">How the fault message names the input: <see cref="EventData"/> or <see cref="ResponseBody"/>.</param>
    /// <param name="ownsError">
    /// True for an object whose <c>error</c> member is part of the format rather than a provider error (the Responses
    /// API's <c>error</c> event and <c>failed</c> response); the object is then returned as it is.
    /// </param>
    public static JsonDocument? TryParseObject(
        ReadOnlyMemory<byte> utf8, string what, DateTimeOffset at, out StreamFault? fault, Func<JsonElement, bool>? ownsError = null) =>
        TryParse(utf8, what, at, allowArray: false, ownsError, out fault);

    /// <summary>
    /// Like <see cref="TryParseObject"/>, but an array of objects is accepted too (the JSON-array stream Gemini's
    /// <c>streamGenerateContent</c> returns without <c>alt=sse</c>); an error object anywhere in it is the fault.
    /// </summary>
    public static JsonDocument? TryParseObjectOrArray(ReadOnlyMemory<byte> utf8, string what, DateTimeOffset at, out StreamFault? fault) =>
        TryParse(utf8, what, at, allowArray: true, ownsError: null, out fault);

    private static JsonDocument? TryParse(
        ReadOnlyMemory<byte> utf8, string what, DateTimeOffset at, bool allowArray, Func<JsonElement, bool>? ownsError, out StreamFault? fault)
    {
        utf8 = WithoutBom(utf8);

        // System.Text.Json checks UTF-8 only when a string is read; a body must fail here, not later.
        if (!Utf8.IsValid(utf8.Span))
        {
            fault = new StreamFault("invalid_utf8", $"{what} is not valid UTF-8.", at);
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException exception)
        {
            fault = new StreamFault("malformed_json", $"{what} is not valid JSON (line {exception.LineNumber}, byte {exception.BytePositionInLine}).", at);
            return null;
        }

        try
        {
            var root = document.RootElement;
            fault = allowArray && root.ValueKind == JsonValueKind.Array
                ? CheckElements(root, what, at)
                : Check(root, what, at, ownsError);
        }
        catch (MalformedJsonException exception)
        {
            fault = new StreamFault("malformed_json", exception.Message, at);
        }

        if (fault is null)
        {
            return document;
        }

        document.Dispose();
        return null;
    }

    private static StreamFault? Check(JsonElement root, string what, DateTimeOffset at, Func<JsonElement, bool>? ownsError) =>
        root.ValueKind != JsonValueKind.Object ? new StreamFault("malformed_json", $"{what} is not a JSON object.", at)
        : IsError(root) && ownsError?.Invoke(root) != true ? new StreamFault("provider_error", ErrorMessage(root), at)
        : null;

    private static StreamFault? CheckElements(JsonElement array, string what, DateTimeOffset at)
    {
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return new StreamFault("malformed_json", $"{what} is an array of something other than JSON objects.", at);
            }

            if (IsError(element))
            {
                return new StreamFault("provider_error", ErrorMessage(element), at);
            }
        }

        return null;
    }

    // A lone surrogate escape in the message is still an error from the provider, just without readable words.
    private static string ErrorMessage(JsonElement root)
    {
        try
        {
            return ProviderErrorBody.TryGetMessage(root) ?? "The provider sent an error object.";
        }
        catch (MalformedJsonException)
        {
            return "The provider sent an error object whose message is not valid text.";
        }
    }

    private static bool IsError(JsonElement root) =>
        root.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.Object or JsonValueKind.String;
}
