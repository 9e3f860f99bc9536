namespace Tap.Protocol;

/// <summary>The wire names of the API formats (docs/protocol.md, Start's <c>api_format</c>).</summary>
internal static class ApiFormats
{
    public const string OpenAIChat = "openai-chat";
    public const string OpenAIResponses = "openai-responses";
    public const string AnthropicMessages = "anthropic-messages";
    public const string Gemini = "gemini";
    public const string BedrockConverse = "bedrock-converse";
    public const string BedrockInvokeAnthropic = "bedrock-invoke-anthropic";
}
