using System.Text.Json;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.Json;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>Reads a non-streamed Messages API response (<c>{"type":"message","content":[...],...}</c>).</summary>
internal static class AnthropicBodyJson
{
    /// <summary>Applies the whole message; the fault when the body is not one.</summary>
    /// <param name="carriedToken">The message carried text, thinking or tool input.</param>
    public static StreamFault? Read(AnthropicMessage message, ReadOnlyMemory<byte> body, DateTimeOffset at, out bool carriedToken)
    {
        carriedToken = false;
        try
        {
            using var document = ProviderJson.TryParseObject(body, "The response body", at, out var fault);
            if (document is null)
            {
                return fault;
            }

            var root = document.RootElement;
            if (!root.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return new StreamFault("malformed_json", "The response body is not a message object.", at);
            }

            carriedToken = Apply(message, root);
            return null;
        }
        catch (InvalidOperationException)
        {
            return new StreamFault("malformed_json", AnthropicFields.NotText, at);
        }
    }

    private static bool Apply(AnthropicMessage message, JsonElement body)
    {
        message.Id = AnthropicFields.String(body, "id");
        message.Model = AnthropicFields.String(body, "model");
        message.Role = AnthropicFields.String(body, "role");
        message.StopReason = AnthropicFields.String(body, "stop_reason");
        message.StopSequence = AnthropicFields.String(body, "stop_sequence");

        // A whole message's usage is final: there is nothing left to count.
        message.FinalUsage = AnthropicUsage.Read(body);

        var carriedToken = false;
        var index = 0;
        foreach (var element in AnthropicFields.Array(body, "content"))
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var block = message.Block(index++);
            carriedToken |= block.ApplyStart(element, message.Budget) || block.InputJson is { Length: > 0 };
            block.Stopped = true;
        }

        return carriedToken;
    }
}
