using System.Text.Json;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// Applies a non-streamed body to a <see cref="GeminiResponse"/>: one GenerateContentResponse from
/// <c>generateContent</c>, or the JSON array of them that <c>streamGenerateContent</c> returns without <c>alt=sse</c>,
/// merged in order.
/// </summary>
internal static class GeminiBodyJson
{
    /// <summary>Whether the body is a response (or an array holding one) at all.</summary>
    public static bool IsResponse(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().Any(GeminiStreamJson.IsResponse) : GeminiStreamJson.IsResponse(root);

    /// <summary>Applies every response of the body; true when one carried text, a thought or a function call.</summary>
    /// <param name="events">How many responses the body held.</param>
    public static bool Apply(GeminiResponse response, JsonElement root, out int events)
    {
        var carriedToken = false;
        if (root.ValueKind == JsonValueKind.Array)
        {
            events = root.GetArrayLength();
            foreach (var element in root.EnumerateArray())
            {
                carriedToken |= GeminiStreamJson.Apply(response, element);
            }
        }
        else
        {
            events = 1;
            carriedToken = GeminiStreamJson.Apply(response, root);
        }

        response.CloseBody();
        return carriedToken;
    }
}
