using System.Text.Json;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.Json;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Reads one streamed event into an <see cref="AnthropicMessage"/>, following the event flow documented at
/// https://platform.claude.com/docs/en/build-with-claude/streaming: message_start, then per content block a
/// content_block_start, deltas and a content_block_stop, then message_delta and message_stop, with ping events
/// anywhere. Unknown event and delta types are ignored, as the documentation asks.
/// </summary>
internal static class AnthropicStreamJson
{
    public static AnthropicEventResult Read(AnthropicMessage message, SseEvent sseEvent, DateTimeOffset at)
    {
        try
        {
            using var document = ProviderJson.TryParseObject(sseEvent.Utf8Data, "An event's data", at, out var fault);
            if (document is null)
            {
                // An error event is {"type":"error","error":{"type":..,"message":..}}: ProviderJson names it.
                return fault?.Code == "provider_error"
                    ? new AnthropicEventResult(AnthropicEventKind.Error, fault.Message)
                    : new AnthropicEventResult(AnthropicEventKind.Malformed, Fault: fault);
            }

            // The data's type discriminates, as in Anthropic's SDKs; the SSE event name repeats it.
            var data = document.RootElement;
            return new AnthropicEventResult(Apply(message, AnthropicFields.String(data, "type") ?? sseEvent.EventType, data));
        }
        catch (InvalidOperationException)
        {
            return new AnthropicEventResult(AnthropicEventKind.Malformed, Fault: new StreamFault("malformed_json", AnthropicFields.NotText, at));
        }
    }

    private static AnthropicEventKind Apply(AnthropicMessage message, string type, JsonElement data)
    {
        switch (type)
        {
            case "message_start":
                ApplyStart(message, data);
                return AnthropicEventKind.Other;
            case "content_block_start":
                if (AnthropicFields.Object(data, "content_block") is { } block)
                {
                    message.Block(Index(data)).ApplyStart(block, message.Budget);
                }

                return AnthropicEventKind.Other;
            case "content_block_delta":
                return AnthropicFields.Object(data, "delta") is { } delta
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
