using Tap.Protocol;

namespace Tap.Sidecar.Telemetry;

/// <summary>
/// The OpenTelemetry GenAI semantic conventions Tap follows in its spans and its metrics alike, pinned to one release of
/// https://github.com/open-telemetry/semantic-conventions-genai (they are "Development" and rename things between
/// releases, so a new version is a change here, in <see cref="SpanAttributes"/> and in docs/telemetry.md): the names the
/// two share and the well-known values a record's format maps to.
/// </summary>
internal static class GenAiNames
{
    /// <summary>The release of the conventions followed.</summary>
    public const string Version = "v0.1.0";

    /// <summary>Its schema, sent as the instrumentation scope's schema URL of the spans and of the meter.</summary>
    public const string SchemaUrl = "https://opentelemetry.io/schemas/gen-ai/0.1.0";

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string TokenType = "gen_ai.token.type";
    public const string ErrorType = "error.type";

    /// <summary>The fallback value of the conventions for a value that is not known.</summary>
    public const string Other = "_OTHER";

    /// <summary><c>gen_ai.operation.name</c> of a record's API format: every streamed format Tap reads is a chat-style generation.</summary>
    public static string Operation(string format) => format switch
    {
        ApiFormats.Gemini => "generate_content",
        ApiFormats.OpenAIChat or ApiFormats.OpenAIResponses or ApiFormats.AnthropicMessages
            or ApiFormats.BedrockConverse or ApiFormats.BedrockInvokeAnthropic => "chat",
        _ => Other,
    };

    /// <summary>
    /// <c>gen_ai.provider.name</c>: the provider whose API format the record was read in, the discriminator the conventions
    /// ask for; the gateway's own name for its upstream (often a host) is <c>tap.provider</c>.
    /// </summary>
    public static string Provider(string format) => format switch
    {
        ApiFormats.OpenAIChat or ApiFormats.OpenAIResponses => "openai",
        ApiFormats.AnthropicMessages => "anthropic",
        ApiFormats.Gemini => "gcp.gemini",
        ApiFormats.BedrockConverse or ApiFormats.BedrockInvokeAnthropic => "aws.bedrock",
        _ => Other,
    };
}
