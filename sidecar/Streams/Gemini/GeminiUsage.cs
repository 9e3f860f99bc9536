using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>A <c>usageMetadata</c> object in Gemini's own counts, written back as it came.</summary>
internal sealed record GeminiUsage(long? Prompt, long? Candidates, long? Total, long? CachedContent, long? ToolUsePrompt, long? Thoughts)
{
    private static readonly GeminiUsage Empty = new(null, null, null, null, null, null);

    /// <summary>The counts, or null when the object has none (Vertex AI sends <c>{"trafficType":..}</c> alone on running chunks).</summary>
    public static GeminiUsage? Read(JsonElement usageMetadata)
    {
        var usage = new GeminiUsage(
            Int64(usageMetadata, "promptTokenCount"),
            Int64(usageMetadata, "candidatesTokenCount"),
            Int64(usageMetadata, "totalTokenCount"),
            Int64(usageMetadata, "cachedContentTokenCount"),
            Int64(usageMetadata, "toolUsePromptTokenCount"),
            Int64(usageMetadata, "thoughtsTokenCount"));
        return usage == Empty ? null : usage;
    }

    /// <summary>
    /// Tap's counts. Google documents <c>totalTokenCount</c> as the sum of the prompt, candidates, tool-use prompt and
    /// thoughts counts (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/GenerateContentResponse#UsageMetadata),
    /// so the tool-use prompt counts as input and the thoughts as billed output: input plus output is the provider's
    /// total. The prompt count already includes the cached content (https://ai.google.dev/api/generate-content#UsageMetadata).
    /// </summary>
    public TokenUsage ToTokenUsage()
    {
        var input = Sum(Prompt, ToolUsePrompt);
        var output = Sum(Candidates, Thoughts);
        return new TokenUsage
        {
            Input = input,
            Output = output,
            Total = Total ?? Sum(input, output),
            CachedInput = CachedContent,
            Reasoning = Thoughts,
        };
    }

    private static long? Sum(long? a, long? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);
}
