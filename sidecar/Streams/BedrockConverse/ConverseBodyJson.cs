using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>
/// Reads a non-streamed Converse response
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html, "Response Syntax"):
/// <c>output.message.content</c>, <c>stopReason</c>, <c>usage</c> and <c>metrics</c>.
/// </summary>
internal static class ConverseBodyJson
{
    /// <summary>Applies the whole response; false when the body is not one. <paramref name="carriedToken"/>: it held generated content.</summary>
    public static bool Read(ConverseMessage message, JsonElement body, out bool carriedToken)
    {
        carriedToken = false;
        if (!TryGetObject(Object(body, "output"), "message", out var output))
        {
            return false;
        }

        message.Role = String(output, "role");
        message.StopReason = String(body, "stopReason");
        message.MessageStopped = true;
        ConverseStreamJson.ApplyMetadata(message, body);
        var index = 0;
        foreach (var content in Array(output, "content"))
        {
            var block = message.Block(index++);
            carriedToken |= ApplyContent(message, block, content);
            block.Stopped = true;
        }

        return true;
    }

    private static bool ApplyContent(ConverseMessage message, ConverseBlock block, JsonElement content)
    {
        if (String(content, "text") is { } text)
        {
            return message.Append(block.Text, text);
        }

        if (TryGetObject(content, "toolUse", out var toolUse))
        {
            block.ToolUseId = String(toolUse, "toolUseId");
            block.ToolName = String(toolUse, "name");
            return TryGet(toolUse, "input", JsonValueKind.Object, out var input) && message.Append(block.ToolInput, Compact(input));
        }

        if (TryGetObject(content, "reasoningContent", out var reasoning))
        {
            var reasoningText = Object(reasoning, "reasoningText");
            block.ReasoningSignature = message.KeepWhole(String(reasoningText, "signature"));
            block.RedactedReasoning = message.KeepWhole(String(reasoning, "redactedContent"));
            return message.Append(block.ReasoningText, String(reasoningText, "text"));
        }

        block.Raw = content.ValueKind == JsonValueKind.Object ? message.KeepWhole(Compact(content)) : null;
        return false;
    }
}
