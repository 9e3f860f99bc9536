using System.Text.Json;
using Tap.Sidecar.Outcome;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>
/// Chat Completions' <c>usage</c>: <c>prompt_tokens</c> is the input, <c>completion_tokens</c> the output (reasoning
/// included), with cached input and reasoning in their details. Chat Completions reports no cache writes.
/// </summary>
internal static class ChatUsage
{
    /// <summary>The <c>usage</c> object of <paramref name="parent"/>, or null when it has none.</summary>
    public static TokenUsage? Read(JsonElement parent) =>
        TryGetObject(parent, "usage", out var usage)
            ? new TokenUsage
            {
                Input = Int64(usage, "prompt_tokens"),
                Output = Int64(usage, "completion_tokens"),
                Total = Int64(usage, "total_tokens"),
                CachedInput = Int64(Object(usage, "prompt_tokens_details"), "cached_tokens"),
                Reasoning = Int64(Object(usage, "completion_tokens_details"), "reasoning_tokens"),
            }
            : null;
}
