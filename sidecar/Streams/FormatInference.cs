using Tap.Protocol;

namespace Tap.Sidecar.Streams;

/// <summary>
/// The API format of an execution whose shim did not say: from the request path when it names an API,
/// else from the first bytes of the response, which every format marks unmistakably.
/// </summary>
internal static class FormatInference
{
    public const string Unknown = "unknown";

    /// <summary>Enough of a response to see its first event or the top of its body.</summary>
    public const int SniffBytes = 2048;

    public static string FromPath(string? requestPath)
    {
        var path = requestPath ?? "";
        if (BedrockPath.Format(path) is { } bedrock)
        {
            return bedrock;
        }

        if (path.Contains("/chat/completions", StringComparison.OrdinalIgnoreCase))
        {
            return ApiFormats.OpenAIChat;
        }

        if (path.Contains("/responses", StringComparison.OrdinalIgnoreCase))
        {
            return ApiFormats.OpenAIResponses;
        }

        if (path.Contains("/messages", StringComparison.OrdinalIgnoreCase))
        {
            return ApiFormats.AnthropicMessages;
        }

        if (path.Contains(":streamGenerateContent", StringComparison.OrdinalIgnoreCase) || path.Contains(":generateContent", StringComparison.OrdinalIgnoreCase))
        {
            return ApiFormats.Gemini;
        }

        return Unknown;
    }

    /// <summary>The format the first bytes show; Chat Completions when nothing else matches, as most compatible servers speak it.</summary>
    public static string FromBody(ReadOnlySpan<byte> head)
    {
        // An AWS event stream is binary; its first message's headers name its event (ConverseStream's messageStart, or
        // InvokeModelWithResponseStream's chunk: a string header, type 7, of length 5).
        if (head.IndexOf(AwsEventTypeHeader) >= 0)
        {
            return head.IndexOf(":event-type\u0007\u0000\u0005chunk"u8) >= 0 ? ApiFormats.BedrockInvokeAnthropic : ApiFormats.BedrockConverse;
        }

        if (head.IndexOf("message_start"u8) >= 0 || head.IndexOf("\"type\":\"message\""u8) >= 0 || head.IndexOf("\"type\": \"message\""u8) >= 0)
        {
            return ApiFormats.AnthropicMessages;
        }

        if (head.IndexOf("response.created"u8) >= 0 || head.IndexOf("\"object\":\"response\""u8) >= 0 || head.IndexOf("\"object\": \"response\""u8) >= 0)
        {
            return ApiFormats.OpenAIResponses;
        }

        if (head.IndexOf("\"stopReason\""u8) >= 0 && head.IndexOf("\"output\""u8) >= 0)
        {
            return ApiFormats.BedrockConverse;
        }

        if (head.IndexOf("\"candidates\""u8) >= 0 || head.IndexOf("\"promptFeedback\""u8) >= 0 || head.IndexOf("\"usageMetadata\""u8) >= 0)
        {
            return ApiFormats.Gemini;
        }

        return ApiFormats.OpenAIChat;
    }

    /// <summary>The name of the header that names an AWS event stream message's event.</summary>
    public static ReadOnlySpan<byte> AwsEventTypeHeader => ":event-type"u8;
}
