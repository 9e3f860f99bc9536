using Tap.Sidecar.Streams.OpenAIChat;

namespace Tap.Sidecar.Streams;

internal static class AggregatorFactory
{
    /// <summary>The aggregator for a recorded format and the upstream response's content type.</summary>
    public static IFormatAggregator Create(string format, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(format);

        // Only Chat Completions exists so far, and it is what most OpenAI-compatible gateways speak, so unknown
        // formats get it too. Later formats (Responses, Anthropic Messages, Gemini) plug in here by name.
        return new ChatCompletionsAggregator(contentType);
    }
}
