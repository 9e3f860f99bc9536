using System.Text.Json;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// A non-streamed body: one GenerateContentResponse from <c>generateContent</c>, or the JSON array of them that
/// <c>streamGenerateContent</c> returns without <c>alt=sse</c>.
/// </summary>
internal static class GeminiBody
{
    /// <summary>The responses of the body in order: the array's elements, or the body itself.</summary>
    public static IEnumerable<JsonElement> Responses(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : [root];
}
