using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>Reads a non-streamed Messages API response (<c>{"type":"message","content":[...],...}</c>).</summary>
internal static class AnthropicBodyJson
{
    public static bool IsMessage(JsonElement root) => Has(root, "content", JsonValueKind.Array);

    /// <summary>Applies the whole message; true when it carried text, thinking or tool input.</summary>
    public static bool Apply(AnthropicMessage message, JsonElement body)
    {
        message.Id = String(body, "id");
        message.Model = String(body, "model");
        message.Role = String(body, "role");
        message.StopReason = String(body, "stop_reason");
        message.StopSequence = String(body, "stop_sequence");

        // A whole message's usage is final: there is nothing left to count.
        message.FinalUsage = AnthropicUsage.Read(body);

        var carriedToken = false;
        var index = 0;
        foreach (var element in Array(body, "content"))
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
