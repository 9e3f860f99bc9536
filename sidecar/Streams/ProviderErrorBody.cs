using System.Text.Json;

namespace Tap.Sidecar.Streams;

/// <summary>Finds the human-readable message in a provider's error JSON.</summary>
internal static class ProviderErrorBody
{
    /// <summary>
    /// The message of an OpenAI <c>{"error":{"message":..}}</c>, Anthropic
    /// <c>{"type":"error","error":{"type":..,"message":..}}</c> or Gemini <c>{"error":{"code":..,"message":..,"status":..}}</c>
    /// body, or a top-level <c>message</c> string; null when the body does not parse or says nothing.
    /// </summary>
    public static string? TryGetMessage(ReadOnlySpan<byte> body)
    {
        // JSON parsers may ignore a leading BOM (RFC 8259, section 8.1); System.Text.Json does not.
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return TryGetMessage(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // Thrown when a string holds invalid UTF-8.
            return null;
        }
    }

    public static string? TryGetMessage(JsonElement root)
    {
        // Gemini's REST endpoints can answer with the error object wrapped in an array.
        if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
        {
            root = root[0];
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                return error.GetString();
            }

            if (error.ValueKind == JsonValueKind.Object && StringOrNull(error, "message") is { } message)
            {
                return message;
            }
        }

        return StringOrNull(root, "message");
    }

    private static string? StringOrNull(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
