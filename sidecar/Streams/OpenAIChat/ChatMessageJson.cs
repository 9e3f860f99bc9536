using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>Applies a streamed <c>delta</c> or a non-streamed <c>message</c> to its choice: text fields and tool calls.</summary>
internal static class ChatMessageJson
{
    /// <summary>True when the message carried content, reasoning, a refusal or a tool call.</summary>
    public static bool Apply(ChatChoice choice, JsonElement message, TextBudget budget)
    {
        choice.Role = String(message, "role") ?? choice.Role;
        var carriedToken = false;
        foreach (var field in ChatChoice.TextFields)
        {
            if (String(message, field) is { } text)
            {
                choice.AppendText(field, text, budget);
                carriedToken |= text.Length > 0;
            }
        }

        // Streamed tool-call deltas carry their index; a non-streamed message lists its calls in order.
        var position = 0;
        foreach (var element in Array(message, "tool_calls"))
        {
            var index = Int32(element, "index") ?? position;
            position++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            carriedToken = true;
            var call = choice.ToolCall(index);
            call.Id ??= String(element, "id");
            call.Type ??= String(element, "type");
            if (TryGetObject(element, "function", out var function))
            {
                call.Name ??= String(function, "name");
                if (String(function, "arguments") is { } arguments)
                {
                    budget.Append(call.Arguments, arguments);
                }
            }
        }

        return carriedToken;
    }
}
