namespace Tap.Shim;

/// <summary>The provider API a response is written in; decides how the sidecar parses it.</summary>
public enum TapApiFormat
{
    /// <summary>Not known to the proxy; the sidecar infers it where it can.</summary>
    Unknown,

    /// <summary>OpenAI Chat Completions (<c>/v1/chat/completions</c>).</summary>
    OpenAIChatCompletions,

    /// <summary>OpenAI Responses (<c>/v1/responses</c>).</summary>
    OpenAIResponses,

    /// <summary>Anthropic Messages (<c>/v1/messages</c>).</summary>
    AnthropicMessages,

    /// <summary>Google Gemini <c>generateContent</c> and <c>streamGenerateContent</c>.</summary>
    Gemini,

    /// <summary>AWS Bedrock Converse (<c>/model/{id}/converse</c>) and ConverseStream (<c>/model/{id}/converse-stream</c>).</summary>
    BedrockConverse,

    /// <summary>
    /// AWS Bedrock InvokeModelWithResponseStream (<c>/model/{id}/invoke-with-response-stream</c>) and InvokeModel
    /// (<c>/model/{id}/invoke</c>) for Anthropic models: Anthropic Messages events inside Bedrock's framing.
    /// </summary>
    BedrockInvokeAnthropic,
}
