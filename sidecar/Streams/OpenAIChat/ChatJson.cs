using System.Text.Json;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>
/// Applies Chat Completions JSON (a streamed <c>chat.completion.chunk</c> or a whole <c>chat.completion</c>) to a
/// <see cref="ChatCompletion"/>. Unknown fields are ignored and wrong-typed fields read as absent, so a lenient
/// OpenAI-compatible provider still aggregates.
/// </summary>
internal static class ChatJson
{
    /// <summary>Applies one chunk; true when it carried content, reasoning, refusal or tool-call deltas.</summary>
    public static bool ApplyChunk(ChatCompletion completion, JsonElement chunk)
    {
        ReadHeader(completion, chunk);
        var carriedToken = false;
        var everyChoiceFinished = true;
        foreach (var element in Choices(chunk))
        {
            var choice = completion.Choice(Int32(element, "index") ?? 0);
            if (element.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
            {
                carriedToken |= ApplyMessage(choice, delta, completion.Budget);
            }

            var finishReason = String(element, "finish_reason");
            choice.FinishReason = finishReason ?? choice.FinishReason;
            everyChoiceFinished &= finishReason is not null;
        }

        // OpenAI sends usage once, in a last chunk without choices (stream_options.include_usage); some compatible
        // providers put it on the chunk that finishes every choice. Counts sent alongside unfinished choices (vLLM's
        // continuous usage stats) are running totals, never final.
        if (everyChoiceFinished && chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            completion.Usage = ReadUsage(usage);
        }

        return carriedToken;
    }

    /// <summary>Applies a whole <c>chat.completion</c>; true when it carried any content or tool call.</summary>
    public static bool ApplyCompletion(ChatCompletion completion, JsonElement body)
    {
        ReadHeader(completion, body);
        var carriedToken = false;
        var position = 0;
        foreach (var element in Choices(body))
        {
            var choice = completion.Choice(Int32(element, "index") ?? position);
            position++;
            if (element.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                carriedToken |= ApplyMessage(choice, message, completion.Budget);
            }

            choice.FinishReason = String(element, "finish_reason");
        }

        if (body.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            completion.Usage = ReadUsage(usage);
        }

        return carriedToken;
    }

    public static bool HasChoices(JsonElement root) =>
        root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array;

    private static void ReadHeader(ChatCompletion completion, JsonElement root)
    {
        completion.Id = String(root, "id") ?? completion.Id;
        completion.Model = String(root, "model") ?? completion.Model;
        completion.SystemFingerprint = String(root, "system_fingerprint") ?? completion.SystemFingerprint;
    }

    // A default enumerator yields nothing, which keeps chunks without choices allocation-free.
    private static JsonElement.ArrayEnumerator Choices(JsonElement root) =>
        HasChoices(root) ? root.GetProperty("choices").EnumerateArray() : default;

    private static bool ApplyMessage(ChatChoice choice, JsonElement message, TextBudget budget)
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

        if (!message.TryGetProperty("tool_calls", out var toolCalls) || toolCalls.ValueKind != JsonValueKind.Array)
        {
            return carriedToken;
        }

        // Streamed tool-call deltas carry their index; a non-streamed message lists its calls in order.
        var position = 0;
        foreach (var element in toolCalls.EnumerateArray())
        {
            carriedToken = true;
            var call = choice.ToolCall(Int32(element, "index") ?? position);
            position++;
            call.Id ??= String(element, "id");
            call.Type ??= String(element, "type");
            if (element.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
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

    private static TokenUsage ReadUsage(JsonElement usage) => new()
    {
        Input = Int64(usage, "prompt_tokens"),
        Output = Int64(usage, "completion_tokens"),
        Total = Int64(usage, "total_tokens"),
        CachedInput = Detail(usage, "prompt_tokens_details", "cached_tokens"),
        Reasoning = Detail(usage, "completion_tokens_details", "reasoning_tokens"),
    };

    private static long? Detail(JsonElement usage, string details, string name) =>
        usage.TryGetProperty(details, out var element) && element.ValueKind == JsonValueKind.Object
            ? Int64(element, name)
            : null;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Int64(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    private static int? Int32(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;
}
