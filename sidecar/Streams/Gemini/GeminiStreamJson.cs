using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// Applies one GenerateContentResponse (an alt=sse chunk, an element of a JSON-array stream, or a whole body) to a
/// <see cref="GeminiResponse"/>. Candidates merge by <c>index</c>.
/// </summary>
internal static class GeminiStreamJson
{
    /// <summary>Whether the object is a GenerateContentResponse at all: it has candidates or prompt feedback.</summary>
    public static bool IsResponse(JsonElement element) =>
        TryGet(element, "candidates", JsonValueKind.Array, out _) || TryGet(element, "promptFeedback", JsonValueKind.Object, out _);

    /// <summary>Applies one response; true when it carried text, a thought or a function call.</summary>
    public static bool Apply(GeminiResponse response, JsonElement chunk)
    {
        response.ResponseId = String(chunk, "responseId") ?? response.ResponseId;
        response.ModelVersion = String(chunk, "modelVersion") ?? response.ModelVersion;
        if (TryGet(chunk, "promptFeedback", JsonValueKind.Object, out var feedback))
        {
            response.PromptFeedback = Compact(feedback);
            response.BlockReason = String(feedback, "blockReason") ?? response.BlockReason;
            response.BlockReasonMessage = String(feedback, "blockReasonMessage") ?? response.BlockReasonMessage;
        }

        var carriedToken = false;
        var position = 0;
        foreach (var element in Array(chunk, "candidates"))
        {
            // Vertex AI and single-candidate chunks may leave the index out; the position in the chunk stands in.
            var index = Int32(element, "index") ?? position;
            position++;
            if (element.ValueKind == JsonValueKind.Object)
            {
                carriedToken |= ApplyCandidate(response.Candidate(index), element, response.Budget);
            }
        }

        // usageMetadata comes on many chunks as a running count; only the one that finishes the response is final.
        if (TryGet(chunk, "usageMetadata", JsonValueKind.Object, out var metadata) && GeminiUsage.Read(metadata) is { } usage)
        {
            if (response.Finished)
            {
                response.Usage = usage;
            }
            else
            {
                response.ProvisionalUsage = usage;
            }
        }

        return carriedToken;
    }

    private static bool ApplyCandidate(GeminiCandidate candidate, JsonElement element, TextBudget budget)
    {
        var carriedToken = false;
        if (TryGet(element, "content", JsonValueKind.Object, out var content))
        {
            candidate.Role = String(content, "role") ?? candidate.Role;
            foreach (var part in Array(content, "parts"))
            {
                carriedToken |= GeminiPartJson.Apply(candidate, part, budget);
            }
        }

        candidate.FinishReason = String(element, "finishReason") ?? candidate.FinishReason;
        candidate.FinishMessage = String(element, "finishMessage") ?? candidate.FinishMessage;
        if (TryGet(element, "safetyRatings", JsonValueKind.Array, out var ratings))
        {
            candidate.SafetyRatings = Compact(ratings);
        }

        return carriedToken;
    }
}
