using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Aggregates an Anthropic Messages API response: a <c>text/event-stream</c> of named events ending in
/// <c>message_stop</c> (or an <c>error</c> event), or any other content type as one buffered message body.
/// The first fault wins; after it, and after the terminal event, nothing more is aggregated.
/// </summary>
internal class AnthropicMessagesAggregator : ResponseAggregator
{
    public const string FormatName = "anthropic-messages";

    private readonly AnthropicMessage _message;

    public AnthropicMessagesAggregator(
        string? contentType,
        int maxBodyBytes = DefaultMaxBodyBytes,
        int maxTextChars = TextBudget.DefaultMaxChars)
        : base(FormatName, contentType, maxBodyBytes, maxTextChars) =>
        _message = new AnthropicMessage(Budget);

    /// <summary>A format that carries Anthropic's events in another framing (Bedrock's InvokeModelWithResponseStream).</summary>
    protected AnthropicMessagesAggregator(string format, Func<Action<SseEvent>, IEventFramer>? framing, int maxBodyBytes, int maxTextChars)
        : base(format, framing, maxBodyBytes, maxTextChars) =>
        _message = new AnthropicMessage(Budget);

    public override TokenUsage? FinalUsage => _message.FinalUsage?.ToTokenUsage();

    /// <summary>message_start's counts (its output_tokens is a placeholder), or a message_delta's before the stop reason.</summary>
    public override TokenUsage? ProvisionalUsage => _message.ProvisionalUsage?.ToTokenUsage();

    /// <summary>
    /// The stop reason arrived (message_delta) and every started block was stopped: between message_delta and
    /// message_stop the answer is whole, so a client leaving there still proves completion with the final usage.
    /// </summary>
    public override bool AnswerComplete => Fault is null && _message.StopReason is not null && _message.EveryBlockStopped;

    public override TerminalClass FinishClass => _message.FinishClass;

    public override string? ResponseModel => _message.Model;

    public override string? FinishReason => _message.StopReason;

    public override string? NormalizedFinishReason => _message.NormalizedFinishReason;

    public override string GeneratedText() => _message.GeneratedText();

    protected override string WriteResponse() => AnthropicResponseWriter.Write(_message);

    protected override void OnEvent(SseEvent sseEvent)
    {
        var result = AnthropicStreamJson.Read(_message, sseEvent, Now);
        switch (result.Kind)
        {
            case AnthropicEventKind.Token:
                TokenSeen();
                break;
            case AnthropicEventKind.MessageStop:
                Terminal = new TerminalEvent(FinishClass, "message_stop", Now);
                break;
            case AnthropicEventKind.Error:
                // Anthropic's error event ends the stream, so it is the terminal event, not a fault
                // (https://platform.claude.com/docs/en/build-with-claude/streaming, "Error events").
                Terminal = new TerminalEvent(TerminalClass.Failed, "error", Now, result.ErrorMessage);
                break;
            case AnthropicEventKind.Malformed:
                Fail(result.Fault);
                break;
        }
    }

    protected override void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        if (AnthropicBodyJson.Read(_message, body, at, out var carriedToken) is { } fault)
        {
            Fail(fault);
            return;
        }

        AcceptBody(1, carriedToken);

        Terminal = new TerminalEvent(FinishClass, "message", at);
    }
}
