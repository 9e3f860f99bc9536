using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>
/// The Responses API's <c>usage</c>: <c>input_tokens</c> and <c>output_tokens</c> (reasoning included), with cached
/// input and reasoning in their details. The Responses API reports no cache writes.
/// </summary>
internal static class ResponsesUsage
{
    /// <summary>The <c>usage</c> object of a response snapshot, or null when it has none.</summary>
    public static TokenUsage? Read(JsonElement response) =>
        TryGetObject(response, "usage", out var usage)
            ? new TokenUsage
            {
                Input = Int64(usage, "input_tokens"),
                Output = Int64(usage, "output_tokens"),
                Total = Int64(usage, "total_tokens"),
                CachedInput = Int64(Object(usage, "input_tokens_details"), "cached_tokens"),
                Reasoning = Int64(Object(usage, "output_tokens_details"), "reasoning_tokens"),
            }
            : null;
}
