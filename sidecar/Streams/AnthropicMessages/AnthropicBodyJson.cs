using System.Text.Json;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>Applies a non-streamed Messages API response (<c>{"type":"message","content":[...],...}</c>).</summary>
internal static class AnthropicBodyJson
{
    public static bool IsMessage(JsonElement root) =>
        root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array;

    /// <summary>Applies the whole message; true when it carried text, thinking or tool input.</summary>
    public static bool Apply(AnthropicMessage message, JsonElement body)
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
