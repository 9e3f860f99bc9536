using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>
/// Reads one ConverseStream event into a <see cref="ConverseMessage"/>, following the event flow of
/// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html: messageStart, per
/// content block a contentBlockStart (tool uses only), deltas and a contentBlockStop, then messageStop and metadata.
/// Unknown events and members (Bedrock pads payloads with a random <c>p</c> member) are ignored.
/// </summary>
internal static class ConverseStreamJson
{
    public static ConverseEventKind Apply(ConverseMessage message, string eventType, JsonElement data)
    {
        switch (eventType)
        {
            case "messageStart":
                message.Role = String(data, "role") ?? message.Role;
                return ConverseEventKind.Other;
            case "contentBlockStart":
                if (TryGetObject(Object(data, "start"), "toolUse", out var toolUse))
                {
                    var block = message.Block(Index(data));
                    block.ToolUseId = String(toolUse, "toolUseId") ?? block.ToolUseId;
                    block.ToolName = String(toolUse, "name") ?? block.ToolName;
                }

                return ConverseEventKind.Other;
            case "contentBlockDelta":
                return ApplyDelta(message, message.Block(Index(data)), Object(data, "delta")) ? ConverseEventKind.Token : ConverseEventKind.Other;
            case "contentBlockStop":
                if (message.Blocks.TryGetValue(Index(data), out var stopped))
                {
                    stopped.Stopped = true;
                }

                return ConverseEventKind.Other;
            case "messageStop":
                message.StopReason = String(data, "stopReason") ?? message.StopReason;
                message.MessageStopped = true;
                return ConverseEventKind.MessageStop;
            case "metadata":
                ApplyMetadata(message, data);
                return ConverseEventKind.Metadata;
            default:
                return ConverseEventKind.Other;
        }
    }

    /// <summary>The usage and latency of metadata, or of a non-streamed body, which carries them the same way.</summary>
    public static void ApplyMetadata(ConverseMessage message, JsonElement data)
    {
        message.Usage = ConverseUsage.Read(data) ?? message.Usage;
        message.RawUsage = TryGetObject(data, "usage", out var usage) ? Compact(usage) : message.RawUsage;
        message.LatencyMs = Int64(Object(data, "metrics"), "latencyMs") ?? message.LatencyMs;
    }

    /// <summary>True when the delta carried text, reasoning text or tool input.</summary>
    private static bool ApplyDelta(ConverseMessage message, ConverseBlock block, JsonElement delta)
    {
        if (String(delta, "text") is { } text)
        {
            return message.Append(block.Text, text);
        }

        if (TryGetObject(delta, "toolUse", out var toolUse))
        {
            return message.Append(block.ToolInput, String(toolUse, "input"));
        }

        if (TryGetObject(delta, "reasoningContent", out var reasoning))
        {
            block.ReasoningSignature = message.KeepWhole(String(reasoning, "signature")) ?? block.ReasoningSignature;
            block.RedactedReasoning = message.KeepWhole(String(reasoning, "redactedContent")) ?? block.RedactedReasoning;
            return message.Append(block.ReasoningText, String(reasoning, "text"));
        }

        return false;
    }

    private static int Index(JsonElement data) => Int32(data, "contentBlockIndex") ?? 0;
}
