namespace Tap.Shim.Core;

/// <summary>The wire names of <see cref="TapApiFormat"/> (docs/protocol.md, Start).</summary>
internal static class ApiFormats
{
    public const string OpenAIChat = "openai-chat";
    public const string OpenAIResponses = "openai-responses";
    public const string AnthropicMessages = "anthropic-messages";
    public const string Gemini = "gemini";
    public const string BedrockConverse = "bedrock-converse";
    public const string BedrockInvokeAnthropic = "bedrock-invoke-anthropic";

    public static string? ToWire(TapApiFormat format) => format switch
    {
        TapApiFormat.OpenAIChatCompletions => OpenAIChat,
        TapApiFormat.OpenAIResponses => OpenAIResponses,
        TapApiFormat.AnthropicMessages => AnthropicMessages,
        TapApiFormat.Gemini => Gemini,
        TapApiFormat.BedrockConverse => BedrockConverse,
        TapApiFormat.BedrockInvokeAnthropic => BedrockInvokeAnthropic,
        _ => null,
    };
}
