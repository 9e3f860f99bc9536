namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// Maps every documented <c>Candidate.FinishReason</c> (https://ai.google.dev/api/generate-content#FinishReason, and
/// Vertex AI's <c>MODEL_ARMOR</c>) onto <see cref="FinishReasons"/>, and says what each implies for the execution.
/// </summary>
internal static class GeminiFinishReasons
{
    public static string Normalize(string reason, bool endsWithFunctionCall) => reason switch
    {
        // Gemini has no tool-call finish reason: a turn that calls functions ends with STOP.
        "STOP" => endsWithFunctionCall ? FinishReasons.ToolCalls : FinishReasons.Stop,
        "MAX_TOKENS" => FinishReasons.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY"
            or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION" or "MODEL_ARMOR" => FinishReasons.ContentFilter,

        // The model produced no usable turn: a function call that does not parse, a tool call no tool allows, a tool
        // loop the system stopped, a malformed response, or a request whose replayed thought signature was missing.
        // Clients retry these; nothing was answered.
        "MALFORMED_FUNCTION_CALL" or "UNEXPECTED_TOOL_CALL" or "TOO_MANY_TOOL_CALLS" or "MALFORMED_RESPONSE"
            or "MISSING_THOUGHT_SIGNATURE" => FinishReasons.Error,

        // LANGUAGE, OTHER, FINISH_REASON_UNSPECIFIED, IMAGE_OTHER, NO_IMAGE and any reason added later.
        _ => FinishReasons.Other,
    };

    /// <summary>Completed, Incomplete when the answer was cut short, Failed when the model produced no usable turn.</summary>
    public static TerminalClass ClassOf(string normalized) => normalized switch
    {
        FinishReasons.Length or FinishReasons.ContentFilter => TerminalClass.Incomplete,
        FinishReasons.Error => TerminalClass.Failed,
        _ => TerminalClass.Completed,
    };
}
