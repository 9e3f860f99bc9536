namespace Tap.Sidecar.Streams;

/// <summary>
/// Parses and aggregates one execution's upstream response for one API format. The outcome engine stays
/// format-neutral: it only asks which terminal event was seen, what the final usage is, whether the answer
/// is complete and when the first token came.
/// </summary>
internal interface IFormatAggregator
{
    /// <summary>The format name as recorded (for example <c>openai-chat</c>).</summary>
    string Format { get; }

    /// <summary>Raw upstream bytes exactly as the proxy read them; any chunk boundary.</summary>
    void Append(ReadOnlySpan<byte> bytes, DateTimeOffset at);

    /// <summary>The upstream ended cleanly: flush what is pending, parse a non-streamed body.</summary>
    void CompleteUpstream(DateTimeOffset at);

    /// <summary>The protocol's terminal event, when one was seen.</summary>
    TerminalEvent? Terminal { get; }

    /// <summary>The first malformed input or in-stream error object, when one was seen before the terminal event.</summary>
    StreamFault? Fault { get; }

    /// <summary>The protocol's final usage; provisional counts never appear here.</summary>
    TokenUsage? FinalUsage { get; }

    /// <summary>
    /// The best usage known that is not final: Anthropic's message_start, Gemini's running usageMetadata, a
    /// Responses in_progress snapshot. Recorded when no final usage arrives; never proves completion.
    /// </summary>
    TokenUsage? ProvisionalUsage { get; }

    /// <summary>Every choice (or candidate) has a finish reason and no fault was seen.</summary>
    bool AnswerComplete { get; }

    /// <summary>The class the finish reasons imply (completed, or incomplete when the provider cut the answer short).</summary>
    TerminalClass FinishClass { get; }

    /// <summary>The first content, reasoning or tool-call delta.</summary>
    DateTimeOffset? FirstTokenAt { get; }

    /// <summary>The model the provider says answered.</summary>
    string? ResponseModel { get; }

    /// <summary>The provider's id of the response (<c>chatcmpl-...</c>, <c>msg_...</c>, <c>resp_...</c>, Gemini's <c>responseId</c>).</summary>
    string? ResponseId { get; }

    /// <summary>The finish reason in the provider's words (the first choice's, or a comma-separated list for several).</summary>
    string? FinishReason { get; }

    /// <summary>The finish reason mapped onto <see cref="FinishReasons"/>; null when the provider gave none.</summary>
    string? NormalizedFinishReason { get; }

    /// <summary>Number of protocol events parsed so far.</summary>
    long EventCount { get; }

    /// <summary>
    /// Everything the model generated so far, concatenated: text, reasoning and tool calls (name and arguments).
    /// Output tokens are estimated from it when no usage arrives.
    /// </summary>
    string GeneratedText();

    /// <summary>The aggregated response as JSON, cut at <paramref name="maxChars"/>.</summary>
    string BuildResponse(int maxChars, out bool truncated);
}
