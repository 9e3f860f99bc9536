using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Reads one streamed event into an <see cref="AnthropicMessage"/>, following the event flow documented at
/// https://platform.claude.com/docs/en/build-with-claude/streaming: message_start, then per content block a
/// content_block_start, deltas and a content_block_stop, then message_delta and message_stop, with ping events
/// anywhere. Unknown event and delta types are ignored, as the documentation asks.
/// </summary>
internal static class AnthropicStreamJson
{
    /// <summary>Applies one event's data; what it meant.</summary>
    /// <param name="eventType">The SSE event name, which stands in when the data has no <c>type</c>.</param>
    public static AnthropicEventKind Apply(AnthropicMessage message, string eventType, JsonElement data)
    {
        // The data's type discriminates, as in Anthropic's SDKs; the SSE event name repeats it.
        switch (String(data, "type") ?? eventType)
        {
            case "message_start":
                ApplyStart(message, data);
                return AnthropicEventKind.Other;
            case "content_block_start":
                if (TryGetObject(data, "content_block", out var block))
                {
                    message.Block(Index(data)).ApplyStart(block, message.Budget);
                }

                return AnthropicEventKind.Other;
            case "content_block_delta":
                return TryGetObject(data, "delta", out var delta)
                    && AnthropicDeltaJson.Apply(message.Block(Index(data)), delta, message.Budget)
                    ? AnthropicEventKind.Token
                    : AnthropicEventKind.Other;
            case "content_block_stop":
                if (message.Blocks.TryGetValue(Index(data), out var stopped))
                {
                    stopped.Stopped = true;
                }

                return AnthropicEventKind.Other;
            case "message_delta":
                ApplyMessageDelta(message, data);
                return AnthropicEventKind.Other;
            case "message_stop":
                return AnthropicEventKind.MessageStop;
            case "error":
                return AnthropicEventKind.Error;
            default:
                return AnthropicEventKind.Other;
        }
    }

    private static void ApplyStart(AnthropicMessage message, JsonElement data)
    {
        if (!TryGetObject(data, "message", out var start))
        {
            return;
        }

        message.Id = String(start, "id") ?? message.Id;
        message.Model = String(start, "model") ?? message.Model;
        message.Role = String(start, "role") ?? message.Role;
        if (AnthropicUsage.Read(start) is { } usage)
        {
            message.StartUsage = usage;
            message.ProvisionalUsage = usage;
        }
    }

    private static void ApplyMessageDelta(AnthropicMessage message, JsonElement data)
    {
        if (TryGetObject(data, "delta", out var delta))
        {
            message.StopReason = String(delta, "stop_reason") ?? message.StopReason;
            message.StopSequence = String(delta, "stop_sequence") ?? message.StopSequence;
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

    private static int Index(JsonElement data) => Int32(data, "index") ?? 0;
}
