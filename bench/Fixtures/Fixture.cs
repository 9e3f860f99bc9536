using Tap.Shim;

namespace Tap.Benchmarks.Fixtures;

/// <summary>One recorded provider transcript, and its events as a provider writes them (one flush per SSE event).</summary>
internal sealed record Fixture(string Format, string Name, byte[] Bytes, IReadOnlyList<byte[]> Events)
{
    public TapApiFormat ApiFormat => Format switch
    {
        "openai-chat" => TapApiFormat.OpenAIChatCompletions,
        "openai-responses" => TapApiFormat.OpenAIResponses,
        "anthropic-messages" => TapApiFormat.AnthropicMessages,
        _ => TapApiFormat.Gemini,
    };

    /// <summary>The upstream path a gateway would forward this format to.</summary>
    public string RequestPath => Format switch
    {
        "openai-chat" => "/v1/chat/completions",
        "openai-responses" => "/v1/responses",
        "anthropic-messages" => "/v1/messages",
        _ => "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
    };
}
