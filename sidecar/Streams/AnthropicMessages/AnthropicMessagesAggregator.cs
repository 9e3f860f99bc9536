using Tap.Sidecar.Streams.Json;
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

    public override string? ResponseId => _message.Id;

    public override string? FinishReason => _message.StopReason;

    public override string? NormalizedFinishReason => _message.NormalizedFinishReason;

    public override string GeneratedText() => _message.GeneratedText();

    protected override string WriteResponse() => AnthropicResponseWriter.Write(_message);

    protected override void OnEvent(SseEvent sseEvent)
    {
        using var document = ProviderJson.TryParseObject(sseEvent.Utf8Data, ProviderJson.EventData, Now, out var fault);
        if (document is null)
        {
            // An error event is {"type":"error","error":{"type":..,"message":..}}: ProviderJson reads it as the provider's
            // error, and Anthropic's error event ends the stream.
            if (fault?.Code == "provider_error")
            {
                Terminal = ProviderError(fault.Message);
            }
            else
            {
                Fail(fault);
            }

            return;
        }

        switch (AnthropicStreamJson.Apply(_message, sseEvent.EventType, document.RootElement))
        {
            case AnthropicEventKind.Token:
                TokenSeen();
                break;
            case AnthropicEventKind.MessageStop:
                Terminal = new TerminalEvent(FinishClass, "message_stop", Now);
                break;
            case AnthropicEventKind.Error:
                Terminal = ProviderError(null);
                break;
        }
    }

    protected override void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        using var document = ParseObject(body, ProviderJson.ResponseBody);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;
        if (!AnthropicBodyJson.IsMessage(root))
        {
            Fail("malformed_json", "The response body is not a message object.", at);
            return;
        }

        AcceptBody(1, AnthropicBodyJson.Apply(_message, root));
        Terminal = new TerminalEvent(FinishClass, "message", at);
    }

    /// <summary>
    /// Anthropic's error event ends the stream, so it is the terminal event, not a fault
    /// (https://platform.claude.com/docs/en/build-with-claude/streaming, "Error events").
    /// </summary>
    private TerminalEvent ProviderError(string? message) => new(TerminalClass.Failed, "error", Now, message);
}
