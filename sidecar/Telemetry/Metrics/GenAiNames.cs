using Tap.Protocol;

namespace Tap.Sidecar.Telemetry.Metrics;

/// <summary>
/// The OpenTelemetry GenAI semantic conventions Tap follows, pinned to one release (they are "Development" and were
/// renamed in 2026; docs/telemetry.md says which names come from where): the attribute names and the well-known values
/// that a record's format and provider map to.
/// </summary>
internal static class GenAiNames
{
    /// <summary>The semantic-conventions release these names are taken from.</summary>
    public const string SchemaVersion = "1.41.1";

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

    /// <summary><c>gen_ai.provider.name</c>: what the shim said (operators name providers), else the format's own provider.</summary>
    public static string Provider(string? reported, string format) => reported is { Length: > 0 }
        ? reported
        : format switch
        {
            ApiFormats.OpenAIChat or ApiFormats.OpenAIResponses => "openai",
            ApiFormats.AnthropicMessages => "anthropic",
            ApiFormats.Gemini => "gcp.gemini",
            ApiFormats.BedrockConverse or ApiFormats.BedrockInvokeAnthropic => "aws.bedrock",
            _ => Other,
        };
}
