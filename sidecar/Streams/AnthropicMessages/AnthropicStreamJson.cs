using System.Text.Json;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Applies one streamed event to an <see cref="AnthropicMessage"/>, following the event flow documented at
/// https://docs.claude.com/en/docs/build-with-claude/streaming: message_start, then per content block a
/// content_block_start, deltas and a content_block_stop, then message_delta and message_stop, with ping events
/// anywhere. Unknown event and delta types are ignored, as the documentation asks.
/// </summary>
internal static class AnthropicStreamJson
{
    public static AnthropicStreamEvent Apply(AnthropicMessage message, string type, JsonElement data)
    {
        switch (type)
        {
            case "message_start":
                ApplyStart(message, data);
                return AnthropicStreamEvent.Other;
            case "content_block_start":
                if (AnthropicFields.Object(data, "content_block") is { } block)
                {
                    message.Block(Index(data)).ApplyStart(block, message.Budget);
                }

                return AnthropicStreamEvent.Other;
            case "content_block_delta":
                return ApplyBlockDelta(message, data) ? AnthropicStreamEvent.Token : AnthropicStreamEvent.Other;
            case "content_block_stop":
                if (message.Blocks.TryGetValue(Index(data), out var stopped))
                {
                    stopped.Stopped = true;
                }

                return AnthropicStreamEvent.Other;
            case "message_delta":
                ApplyMessageDelta(message, data);
                return AnthropicStreamEvent.Other;
            case "message_stop":
                return AnthropicStreamEvent.MessageStop;
            case "error":
                return AnthropicStreamEvent.Error;
            default:
                return AnthropicStreamEvent.Other;
        }
    }

    private static void ApplyStart(AnthropicMessage message, JsonElement data)
    {
        if (AnthropicFields.Object(data, "message") is not { } start)
        {
            return;
        }

        message.Id = AnthropicFields.String(start, "id") ?? message.Id;
        message.Model = AnthropicFields.String(start, "model") ?? message.Model;
        message.Role = AnthropicFields.String(start, "role") ?? message.Role;
        if (AnthropicUsage.Read(start) is { } usage)
        {
            message.StartUsage = usage;
            message.ProvisionalUsage = usage;
        }
    }

    private static bool ApplyBlockDelta(AnthropicMessage message, JsonElement data)
    {
        if (AnthropicFields.Object(data, "delta") is not { } delta)
        {
            return false;
        }

        var block = message.Block(Index(data));
        switch (AnthropicFields.String(delta, "type"))
        {
            case "text_delta":
                block.Type ??= "text";
                return AnthropicContentBlock.Append(block.Text, AnthropicFields.String(delta, "text"), message.Budget);
            case "thinking_delta":
                block.Type ??= "thinking";
                return AnthropicContentBlock.Append(block.Thinking, AnthropicFields.String(delta, "thinking"), message.Budget);
            case "input_json_delta":
                block.Type ??= "tool_use";
                return AnthropicContentBlock.Append(block.PartialJson, AnthropicFields.String(delta, "partial_json"), message.Budget);
            case "signature_delta":
                block.Signature = AnthropicFields.String(delta, "signature") ?? block.Signature;
                return false;
            case "citations_delta":
                if (AnthropicFields.Object(delta, "citation") is { } citation)
                {
                    block.AddCitation(citation, message.Budget);
                }

                return false;
            default:
                return false;
        }
    }

    private static void ApplyMessageDelta(AnthropicMessage message, JsonElement data)
    {
        if (AnthropicFields.Object(data, "delta") is { } delta)
        {
            message.StopReason = AnthropicFields.String(delta, "stop_reason") ?? message.StopReason;
            message.StopSequence = AnthropicFields.String(delta, "stop_sequence") ?? message.StopSequence;
        }

        if (AnthropicUsage.Read(data) is not { } usage)
        {
            return;
        }

        // The counts are cumulative. Once the stop reason is known they are the final ones; a message_delta before
        // that (the API may send more than one) only says how far the answer had got.
        var merged = (message.StartUsage ?? new AnthropicUsage()).UpdatedBy(usage);
        if (message.StopReason is not null && usage.OutputTokens is not null)
        {
            message.FinalUsage = merged;
        }
        else
        {
            message.ProvisionalUsage = merged;
        }
    }

    private static int Index(JsonElement data) => AnthropicFields.Int32(data, "index") ?? 0;
}
