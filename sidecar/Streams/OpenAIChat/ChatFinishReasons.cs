namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>Maps a choice's <c>finish_reason</c> onto <see cref="FinishReasons"/>.</summary>
internal static class ChatFinishReasons
{
    /// <summary><c>length</c> and <c>content_filter</c> mean the provider cut the answer short.</summary>
    public static bool CutShort(string? reason) => reason is "length" or "content_filter";

    public static string? Normalize(string? reason) => reason switch
    {
        null => null,
        "stop" => FinishReasons.Stop,
        "length" => FinishReasons.Length,
        "tool_calls" or "function_call" => FinishReasons.ToolCalls,
        "content_filter" => FinishReasons.ContentFilter,
        _ => FinishReasons.Other,
    };
}
