
namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>
/// What Converse's <c>stopReason</c> values mean for the outcome
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_MessageStopEvent.html).
/// </summary>
internal static class ConverseStopReasons
{
    /// <summary>
    /// A token limit, the context window, a guardrail or a content filter cut the answer short: incomplete. Malformed model
    /// output or tool use leaves nothing usable, as Gemini's <c>MALFORMED_FUNCTION_CALL</c> does: failed.
    /// </summary>
    public static TerminalClass Class(string? stopReason) => Normalize(stopReason) switch
    {
        FinishReasons.Length or FinishReasons.ContentFilter => TerminalClass.Incomplete,
        FinishReasons.Error => TerminalClass.Failed,
        _ => TerminalClass.Completed,
    };

    public static string? Normalize(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" => FinishReasons.Stop,
        "tool_use" => FinishReasons.ToolCalls,
        "max_tokens" or "model_context_window_exceeded" => FinishReasons.Length,
        "guardrail_intervened" or "content_filtered" => FinishReasons.ContentFilter,
        "malformed_model_output" or "malformed_tool_use" => FinishReasons.Error,
        _ => FinishReasons.Other,
    };
}
