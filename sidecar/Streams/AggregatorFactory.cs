using Tap.Protocol;
using Tap.Sidecar.Streams.OpenAIChat;
using Tap.Sidecar.Streams.OpenAIResponses;

namespace Tap.Sidecar.Streams;

internal static class AggregatorFactory
{
    /// <summary>The API formats the sidecar parses (docs/protocol.md, Start's api_format).</summary>
    public static IReadOnlyList<string> Formats { get; } = [ApiFormats.OpenAIChat, ApiFormats.OpenAIResponses, ApiFormats.AnthropicMessages, ApiFormats.Gemini,
        ApiFormats.BedrockConverse, ApiFormats.BedrockInvokeAnthropic];

    /// <summary>The aggregator for a recorded format and the upstream response's content type.</summary>
    public static IFormatAggregator Create(string format, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format switch
        {
            ApiFormats.AnthropicMessages => new AnthropicMessages.AnthropicMessagesAggregator(contentType),
            ApiFormats.Gemini => new Gemini.GeminiAggregator(contentType),
            ApiFormats.OpenAIResponses => new ResponsesAggregator(contentType),
            ApiFormats.BedrockConverse => new BedrockConverse.BedrockConverseAggregator(contentType),
            ApiFormats.BedrockInvokeAnthropic => new BedrockInvokeAnthropic.BedrockInvokeAnthropicAggregator(contentType),
            // Unknown formats get Chat Completions: it is what most OpenAI-compatible gateways speak.
            _ => new ChatCompletionsAggregator(contentType),
        };
    }
}
