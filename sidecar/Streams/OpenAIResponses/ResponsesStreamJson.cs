using System.Text;
using System.Text.Json;
using Tap.Sidecar.Streams.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>
/// Applies one streamed Responses API event that does not end the response to a <see cref="ResponsesOutput"/>. Unknown
/// events are ignored; an event without <c>output_index</c> or <c>content_index</c> means index 0.
/// </summary>
internal static class ResponsesStreamJson
{
    /// <summary>The type that names the <c>error</c> event, a terminal event of its own.</summary>
    public const string ErrorEvent = "error";

    /// <summary>Applies one event that does not end the response; true when it carried generated content.</summary>
    public static bool Apply(ResponsesOutput output, string type, JsonElement data)
    {
        var budget = output.Budget;
        switch (type)
        {
            case "response.created" or "response.in_progress" or "response.queued":
                ApplyProgress(output, Object(data, "response"));
                return false;
            case "response.output_item.added" or "response.output_item.done":
                return ResponsesItemJson.Apply(output, Int32(data, "output_index") ?? 0, Object(data, "item"), done: type.EndsWith(".done", StringComparison.Ordinal));
            case "response.content_part.added" or "response.content_part.done":
                var whole = Object(data, "part");
                var partType = String(whole, "type");
                return ResponsesItemJson.Fill(Part(output, data, partType == "reasoning_text" ? ResponsesItem.Reasoning : ResponsesItem.Message, partType).Text, ResponsesItemJson.PartText(whole), budget);
            case "response.output_text.delta" or "response.refusal.delta":
                return Delta(Part(output, data, ResponsesItem.Message, type == "response.refusal.delta" ? "refusal" : "output_text").Text, data, budget);
            case "response.output_text.done":
                return ResponsesItemJson.Fill(Part(output, data, ResponsesItem.Message, "output_text").Text, String(data, "text"), budget);
            case "response.refusal.done":
                return ResponsesItemJson.Fill(Part(output, data, ResponsesItem.Message, "refusal").Text, String(data, "refusal"), budget);
            case "response.reasoning_text.delta":
                return Delta(Part(output, data, ResponsesItem.Reasoning, "reasoning_text").Text, data, budget);
            case "response.reasoning_text.done":
                return ResponsesItemJson.Fill(Part(output, data, ResponsesItem.Reasoning, "reasoning_text").Text, String(data, "text"), budget);
            case "response.reasoning_summary_text.delta":
                return Delta(Summary(output, data), data, budget);
            case "response.reasoning_summary_text.done":
                return ResponsesItemJson.Fill(Summary(output, data), String(data, "text"), budget);
            case "response.reasoning_summary_part.added" or "response.reasoning_summary_part.done":
                return ResponsesItemJson.Fill(Summary(output, data), String(Object(data, "part"), "text"), budget);
            case "response.function_call_arguments.delta":
                return Delta(Call(output, data, ResponsesItem.FunctionCall).Arguments, data, budget);
            case "response.function_call_arguments.done":
                return ResponsesItemJson.Fill(Call(output, data, ResponsesItem.FunctionCall).Arguments, String(data, "arguments"), budget);
            case "response.custom_tool_call_input.delta":
                return Delta(Call(output, data, ResponsesItem.CustomToolCall).Arguments, data, budget);
            case "response.custom_tool_call_input.done":
                return ResponsesItemJson.Fill(Call(output, data, ResponsesItem.CustomToolCall).Arguments, String(data, "input"), budget);
            default:
                return false;
        }
    }

    /// <summary>Reads an <c>error</c> event: its code and message at the top level as documented, or nested as sent.</summary>
    public static void ApplyError(ResponsesOutput output, JsonElement data)
    {
        output.ErrorCode = String(data, "code") ?? String(Object(data, "error"), "code");
        try
        {
            output.ErrorMessage = ProviderErrorBody.TryGetMessage(data);
        }
        catch (MalformedJsonException)
        {
            // The event still ends the response as failed, as an error object with an unreadable message does elsewhere.
            output.ErrorMessage = "The provider sent an error event whose message is not valid text.";
        }
    }

    private static void ApplyProgress(ResponsesOutput output, JsonElement response)
    {
        ResponsesBodyJson.ApplyHeader(output, response);
        output.Status = String(response, "status") ?? output.Status;

        // OpenAI sends usage null until the response ends; a compatible server's running count is not final.
        output.ProvisionalUsage = ResponsesUsage.Read(response) ?? output.ProvisionalUsage;
    }

    private static ResponsesItem Target(ResponsesOutput output, JsonElement data, string? impliedType)
    {
        var item = output.Item(Int32(data, "output_index") ?? 0);
        item.Type ??= impliedType;
        return item;
    }

    private static ResponsesPart Part(ResponsesOutput output, JsonElement data, string? itemType, string? partType)
    {
        var part = Target(output, data, itemType).Part(Int32(data, "content_index") ?? 0);
        part.Type ??= partType;
        return part;
    }

    private static StringBuilder Summary(ResponsesOutput output, JsonElement data) =>
        Target(output, data, ResponsesItem.Reasoning).SummaryPart(Int32(data, "summary_index") ?? 0);

    private static ResponsesItem Call(ResponsesOutput output, JsonElement data, string type)
    {
        var call = Target(output, data, type);
        call.Name ??= String(data, "name");
        return call;
    }

    private static bool Delta(StringBuilder target, JsonElement data, TextBudget budget)
    {
        if (String(data, "delta") is not { } delta)
        {
            return false;
        }

        budget.Append(target, delta);
        return delta.Length > 0;
    }
}
