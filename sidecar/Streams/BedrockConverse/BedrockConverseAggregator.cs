using Tap.Sidecar.Streams.AwsEventStream;
using Tap.Sidecar.Streams.Json;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>
/// Aggregates a Bedrock Converse response: ConverseStream's AWS event stream, or the non-streamed <c>converse</c> body.
/// The stream's last event, <c>metadata</c>, is the terminal event: it carries the only usage Converse sends, after
/// <c>messageStop</c> has given the stop reason, just as Chat Completions' usage chunk and <c>[DONE]</c> follow its
/// finish reason. An exception or error message ends the stream: it is the terminal event, class failed.
/// </summary>
internal sealed class BedrockConverseAggregator : ResponseAggregator
{
    public const string FormatName = "bedrock-converse";

    private readonly ConverseMessage _message;

    public BedrockConverseAggregator(string? contentType, int maxBodyBytes = DefaultMaxBodyBytes, int maxTextChars = TextBudget.DefaultMaxChars)
        : base(FormatName, AwsEventFramer.For(contentType), maxBodyBytes, maxTextChars) =>
        _message = new ConverseMessage(Budget);

    public override TokenUsage? FinalUsage => _message.Usage;

    /// <summary>Converse sends no running counts.</summary>
    public override TokenUsage? ProvisionalUsage => null;

    public override bool AnswerComplete => Fault is null && _message.MessageStopped && _message.EveryBlockStopped;

    public override TerminalClass FinishClass => ConverseStopReasons.Class(_message.StopReason);

    /// <summary>Converse names no model in its response; the request path does.</summary>
    public override string? ResponseModel => null;

    // Converse streams carry no response id (the request id is an HTTP header, which the shim never forwards).
    public override string? ResponseId => null;

    public override string? FinishReason => _message.StopReason;

    public override string? NormalizedFinishReason => ConverseStopReasons.Normalize(_message.StopReason);

    public override string GeneratedText() => _message.GeneratedText();

    protected override string WriteResponse() => ConverseResponseWriter.Write(_message);

    protected override void OnEvent(SseEvent sseEvent)
    {
        if (AwsStreamError.TryRead(sseEvent, out var name, out var message))
        {
            Terminal = new TerminalEvent(TerminalClass.Failed, name, Now, message);
            return;
        }

        using var document = ParseObject(sseEvent.Utf8Data, ProviderJson.EventData);
        if (document is null)
        {
            return;
        }

        switch (ConverseStreamJson.Apply(_message, sseEvent.EventType, document.RootElement))
        {
            case ConverseEventKind.Token:
                TokenSeen();
                break;
            case ConverseEventKind.Metadata:
                Terminal = new TerminalEvent(FinishClass, "metadata", Now);
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

        if (!ConverseBodyJson.Read(_message, document.RootElement, out var carriedToken))
        {
            Fail("malformed_json", "The response body is not a Converse response (no output.message).", at);
            return;
        }

        AcceptBody(1, carriedToken);
        Terminal = new TerminalEvent(FinishClass, "response", at);
    }
}
