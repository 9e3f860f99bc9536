namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// What Anthropic's <c>stop_reason</c> values mean for the outcome
/// (https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons).
/// </summary>
internal static class AnthropicFinishReasons
{
    /// <summary>
    /// <c>max_tokens</c> and <c>model_context_window_exceeded</c> cut the answer short; the documentation says to treat
    /// the latter as truncated. A <c>refusal</c> is a finished answer: the model completed its turn by refusing.
    /// </summary>
    public static TerminalClass Class(string? stopReason) =>
        stopReason is "max_tokens" or "model_context_window_exceeded" ? TerminalClass.Incomplete : TerminalClass.Completed;

    public static string? Normalize(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" => FinishReasons.Stop,
        "max_tokens" or "model_context_window_exceeded" => FinishReasons.Length,
        "tool_use" => FinishReasons.ToolCalls,
        "pause_turn" => FinishReasons.Pause,
        "refusal" => FinishReasons.Refusal,
        _ => FinishReasons.Other,
    };
}
