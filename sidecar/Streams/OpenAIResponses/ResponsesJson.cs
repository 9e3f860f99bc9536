using System.Text;
using System.Text.Json;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.Json;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>
/// Applies Responses API JSON (a streamed event, a response snapshot, a whole non-streamed <c>response</c>) to a
/// <see cref="ResponsesOutput"/>. Unknown events and fields are ignored and wrong-typed fields read as absent, so a lenient
/// compatible server still aggregates; an event without <c>output_index</c> or <c>content_index</c> means index 0.
/// </summary>
internal static class ResponsesJson
{
    public const string FunctionCall = "function_call";
    public const string CustomToolCall = "custom_tool_call";
    public const string ErrorEvent = "error";

    private const string Message = "message";
    private const string Reasoning = "reasoning";

    /// <summary>
    /// Parses an event's data or a body like <see cref="ProviderJson"/>, which reads any top-level <c>error</c> member as a
    /// provider error. Two Responses objects carry one of their own: the <c>error</c> event, whose code and message OpenAI
    /// sends nested under <c>error</c> although its reference puts them at the top level (openai/openai-dotnet#881), and a
    /// <c>failed</c> response object. Those are returned as what they are.
    /// </summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> utf8, string what, DateTimeOffset at, out StreamFault? fault) =>
        ProviderJson.TryParseObject(utf8, what, at, out fault, OwnsError);

    /// <summary>The event's <c>type</c>, which names it; null when the data does not say.</summary>
    public static string? Type(JsonElement data) => String(data, "type");

    /// <summary>Whether a body is a <c>response</c> object rather than some other JSON.</summary>
    public static bool IsResponse(JsonElement root) =>
        String(root, "object") == "response" || Member(root, "output", JsonValueKind.Array).ValueKind == JsonValueKind.Array;

    /// <summary>Applies one event that does not end the response; true when it carried generated content.</summary>
    public static bool ApplyEvent(ResponsesOutput output, string type, JsonElement data)
    {
        var budget = output.Budget;
        switch (type)
        {
            case "response.created" or "response.in_progress" or "response.queued":
                ApplyProgress(output, Object(data, "response"));
                return false;
            case "response.output_item.added" or "response.output_item.done":
                return ApplyItem(output, Int32(data, "output_index") ?? 0, Object(data, "item"), done: type.EndsWith(".done", StringComparison.Ordinal));
            case "response.content_part.added" or "response.content_part.done":
                var whole = Object(data, "part");
                var partType = String(whole, "type");
                return Fill(Part(output, data, partType == "reasoning_text" ? Reasoning : Message, partType).Text, PartText(whole), budget);
            case "response.output_text.delta" or "response.refusal.delta":
                return Delta(Part(output, data, Message, type == "response.refusal.delta" ? "refusal" : "output_text").Text, data, budget);
            case "response.output_text.done":
                return Fill(Part(output, data, Message, "output_text").Text, String(data, "text"), budget);
            case "response.refusal.done":
                return Fill(Part(output, data, Message, "refusal").Text, String(data, "refusal"), budget);
            case "response.reasoning_text.delta":
                return Delta(Part(output, data, Reasoning, "reasoning_text").Text, data, budget);
            case "response.reasoning_text.done":
                return Fill(Part(output, data, Reasoning, "reasoning_text").Text, String(data, "text"), budget);
            case "response.reasoning_summary_text.delta":
                return Delta(Summary(output, data), data, budget);
            case "response.reasoning_summary_text.done":
                return Fill(Summary(output, data), String(data, "text"), budget);
            case "response.reasoning_summary_part.added" or "response.reasoning_summary_part.done":
                return Fill(Summary(output, data), String(Object(data, "part"), "text"), budget);
            case "response.function_call_arguments.delta":
                return Delta(Call(output, data, FunctionCall).Arguments, data, budget);
            case "response.function_call_arguments.done":
                return Fill(Call(output, data, FunctionCall).Arguments, String(data, "arguments"), budget);
            case "response.custom_tool_call_input.delta":
                return Delta(Call(output, data, CustomToolCall).Arguments, data, budget);
            case "response.custom_tool_call_input.done":
                return Fill(Call(output, data, CustomToolCall).Arguments, String(data, "input"), budget);
            default:
                return false;
        }
    }

    /// <summary>
    /// Applies the snapshot that ends the response (or a non-streamed body): its status, or <paramref name="impliedStatus"/>
    /// when it has none, how it ended, its usage, and its output items where the stream left them empty.
    /// </summary>
    public static bool ApplyFinal(ResponsesOutput output, JsonElement response, string? impliedStatus, bool itemsDone)
    {
        output.FinalStatus = String(response, "status") ?? impliedStatus;
        output.Status = output.FinalStatus ?? output.Status;
        if (response.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        ReadHeader(output, response);
        output.IncompleteReason = String(Object(response, "incomplete_details"), "reason");
        if (Object(response, "error") is { ValueKind: JsonValueKind.Object } error)
        {
            output.ErrorCode = String(error, "code");
            output.ErrorMessage = String(error, "message");
        }

        output.Usage = Usage(response);
        var carried = false;
        var index = 0;
        foreach (var item in Array(response, "output"))
        {
            carried |= ApplyItem(output, index++, item, itemsDone);
        }

        return carried;
    }

    /// <summary>Reads an <c>error</c> event: its code and message at the top level as documented, or nested as sent.</summary>
    public static void ApplyError(ResponsesOutput output, JsonElement data)
    {
        output.ErrorCode = String(data, "code") ?? String(Object(data, "error"), "code");
        output.ErrorMessage = ProviderErrorBody.TryGetMessage(data);
    }

    private static bool OwnsError(JsonElement root) => Type(root) == ErrorEvent || String(root, "object") == "response";

    private static void ApplyProgress(ResponsesOutput output, JsonElement response)
    {
        ReadHeader(output, response);
        output.Status = String(response, "status") ?? output.Status;

        // OpenAI sends usage null until the response ends; a compatible server's running count is not final.
        output.ProvisionalUsage = Usage(response) ?? output.ProvisionalUsage;
    }

    private static void ReadHeader(ResponsesOutput output, JsonElement response)
    {
        output.Id = String(response, "id") ?? output.Id;
        output.Model = String(response, "model") ?? output.Model;
    }

    /// <summary>Applies a whole item (added, done, or in a snapshot) without repeating text the stream already gave.</summary>
    private static bool ApplyItem(ResponsesOutput output, int index, JsonElement item, bool done)
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
        carried |= Fill(target.Arguments, String(item, target.Type == CustomToolCall ? "input" : "arguments"), output.Budget);
        var position = 0;
        foreach (var part in Array(item, "content"))
        {
            var targetPart = target.Part(position++);
            targetPart.Type ??= String(part, "type");
            carried |= Fill(targetPart.Text, PartText(part), output.Budget);
        }

        position = 0;
        foreach (var part in Array(item, "summary"))
        {
            carried |= Fill(target.SummaryPart(position++), String(part, "text"), output.Budget);
        }

        target.Done |= done;
        return carried;
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
        Target(output, data, Reasoning).SummaryPart(Int32(data, "summary_index") ?? 0);

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

    /// <summary>
    /// Done events and snapshots repeat the whole text. It is taken only where no delta gave any, so text is never
    /// doubled, and a server that sends whole items without deltas still aggregates.
    /// </summary>
    private static bool Fill(StringBuilder target, string? whole, TextBudget budget)
    {
        if (target.Length > 0 || string.IsNullOrEmpty(whole))
        {
            return false;
        }

        budget.Append(target, whole);
        return true;
    }

    private static string? PartText(JsonElement part) => String(part, "text") ?? String(part, "refusal");

    private static TokenUsage? Usage(JsonElement response) =>
        Object(response, "usage") is { ValueKind: JsonValueKind.Object } usage
            ? new TokenUsage
            {
                Input = Int64(usage, "input_tokens"),
                Output = Int64(usage, "output_tokens"),
                Total = Int64(usage, "total_tokens"),
                CachedInput = Int64(Object(usage, "input_tokens_details"), "cached_tokens"),
                Reasoning = Int64(Object(usage, "output_tokens_details"), "reasoning_tokens"),
            }
            : null;

    /// <summary>The member when it is an object; otherwise a default element, which every reader here takes as absent.</summary>
    private static JsonElement Object(JsonElement element, string name) =>
        Member(element, name, JsonValueKind.Object);

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string name) =>
        Member(element, name, JsonValueKind.Array) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : default;

    private static JsonElement Member(JsonElement element, string name, JsonValueKind kind) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == kind ? value : default;

    private static string? String(JsonElement element, string name) =>
        Member(element, name, JsonValueKind.String) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static long? Int64(JsonElement element, string name) =>
        Member(element, name, JsonValueKind.Number) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    private static int? Int32(JsonElement element, string name) =>
        Member(element, name, JsonValueKind.Number) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) ? number : null;
}
