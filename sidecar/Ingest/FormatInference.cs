using Tap.Shim.Core;

namespace Tap.Sidecar.Ingest;

/// <summary>The API format of an execution: as the shim said, else from the request path.</summary>
internal static class FormatInference
{
    public const string Unknown = "unknown";

    public static string Resolve(string? declared, string? requestPath)
    {
        if (!string.IsNullOrEmpty(declared))
        {
            return declared;
        }

        var path = requestPath ?? "";
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
}
