namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>Maps a response's terminal status (and <c>incomplete_details.reason</c>) onto <see cref="FinishReasons"/>.</summary>
internal static class ResponsesFinishReasons
{
    /// <param name="endsWithToolCall">The last output item is a function or custom tool call: the model stopped to call tools.</param>
    public static string? Normalize(string? status, string? incompleteReason, bool endsWithToolCall) => status switch
    {
        null => null,
        "completed" => endsWithToolCall ? FinishReasons.ToolCalls : FinishReasons.Stop,
        "incomplete" => incompleteReason switch
        {
            "max_output_tokens" => FinishReasons.Length,
            "content_filter" => FinishReasons.ContentFilter,
            _ => FinishReasons.Other,
        },
        "failed" => FinishReasons.Error,
        _ => FinishReasons.Other,
    };
}
