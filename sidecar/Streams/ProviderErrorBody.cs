using System.Text.Json;
using Tap.Sidecar.Streams.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

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
        try
        {
            var reader = new Utf8JsonReader(ProviderJson.WithoutBom(body));
            using var document = JsonDocument.ParseValue(ref reader);
            return TryGetMessage(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (MalformedJsonException)
        {
            // A message that is invalid UTF-8 or a lone surrogate escape is no message.
            return null;
        }
    }

    /// <exception cref="MalformedJsonException">The message is not UTF-16 text.</exception>
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
                return Text(error);
            }

            if (String(error, "message") is { } message)
            {
                return message;
            }
        }

        return String(root, "message");
    }
}
