using System.Text;
using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>Applies a whole output item (its <c>added</c> or <c>done</c> event, or an item of a snapshot) to its <see cref="ResponsesItem"/>.</summary>
internal static class ResponsesItemJson
{
    /// <summary>Applies a whole item (added, done, or in a snapshot) without repeating text the stream already gave.</summary>
    public static bool Apply(ResponsesOutput output, int index, JsonElement item, bool done)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var target = output.Item(index);
        var type = String(item, "type");
        if (type is not null && target.Type is not null && type != target.Type)
        {
            // A lenient server's deltas without indices built a different item here; keep what the stream gave.
            return false;
        }

        target.Type ??= type;
        target.Id ??= String(item, "id");
        target.Status = String(item, "status") ?? target.Status;
        target.Role ??= String(item, "role");
        target.CallId ??= String(item, "call_id");
        var named = target.Name is null && String(item, "name") is not null;
        target.Name ??= String(item, "name");

        // A tool call's name is the model's first output for it, as in Chat Completions' first tool-call delta.
        var carried = named && target.IsToolCall;
        carried |= Fill(target.Arguments, String(item, target.Type == ResponsesItem.CustomToolCall ? "input" : "arguments"), output.Budget);
        // Parts are placed by their position; one of the wrong kind keeps its place but adds nothing.
        var position = 0;
        foreach (var part in Array(item, "content"))
        {
            if (part.ValueKind == JsonValueKind.Object)
            {
                var targetPart = target.Part(position);
                targetPart.Type ??= String(part, "type");
                carried |= Fill(targetPart.Text, PartText(part), output.Budget);
            }

            position++;
        }

        position = 0;
        foreach (var part in Array(item, "summary"))
        {
            if (part.ValueKind == JsonValueKind.Object)
            {
                carried |= Fill(target.SummaryPart(position), String(part, "text"), output.Budget);
            }

            position++;
        }

        target.Done |= done;
        return carried;
    }

    /// <summary>
    /// Done events and snapshots repeat the whole text. It is taken only where no delta gave any, so text is never
    /// doubled, and a server that sends whole items without deltas still aggregates.
    /// </summary>
    public static bool Fill(StringBuilder target, string? whole, TextBudget budget)
    {
        if (target.Length > 0 || string.IsNullOrEmpty(whole))
        {
            return false;
        }

        budget.Append(target, whole);
        return true;
    }

    /// <summary>A content part's text: <c>text</c>, or a refusal's <c>refusal</c>.</summary>
    public static string? PartText(JsonElement part) => String(part, "text") ?? String(part, "refusal");
}
