using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>
/// Bedrock's <c>TokenUsage</c> (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html).
/// As in Anthropic's API, whose models it mostly serves, <c>inputTokens</c> leaves out the tokens read from and written to
/// the prompt cache, which are reported beside it; <c>totalTokens</c> counts them.
/// </summary>
internal static class ConverseUsage
{
    /// <summary>The <c>usage</c> object of <paramref name="parent"/>, or null when it has none.</summary>
    public static TokenUsage? Read(JsonElement parent)
    {
        if (!TryGetObject(parent, "usage", out var usage))
        {
            return null;
        }

        var cacheRead = Int64(usage, "cacheReadInputTokens");
        var cacheWrite = Int64(usage, "cacheWriteInputTokens");
        var input = Int64(usage, "inputTokens") is { } uncached ? uncached + (cacheRead ?? 0) + (cacheWrite ?? 0) : (long?)null;
        var output = Int64(usage, "outputTokens");
        return new TokenUsage
        {
            Input = input,
            Output = output,
            Total = Int64(usage, "totalTokens") ?? input + output,
            CachedInput = cacheRead,
            CacheWrite = cacheWrite,
        };
    }
}
