using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Aggregates an Anthropic Messages API response: a <c>text/event-stream</c> of named events ending in
/// <c>message_stop</c> (or an <c>error</c> event), or any other content type as one buffered message body.
/// The first fault wins; after it, and after the terminal event, nothing more is aggregated.
/// </summary>
internal sealed class AnthropicMessagesAggregator : IFormatAggregator
{
    public const string FormatName = "anthropic-messages";
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;

    private readonly AnthropicMessage _message;
    private readonly SseParser? _sse;
    private readonly BoundedByteBuffer? _body;
    private readonly int _maxBodyBytes;
    private DateTimeOffset _now;
    private DateTimeOffset? _firstBodyByteAt;
    private bool _upstreamComplete;
    private long _bodyEvents;

    public AnthropicMessagesAggregator(
        string? contentType,
        int maxBodyBytes = DefaultMaxBodyBytes,
        int maxTextChars = TextBudget.DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBodyBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTextChars);
        _message = new AnthropicMessage(maxTextChars);
        _maxBodyBytes = maxBodyBytes;
        if (ContentTypes.IsEventStream(contentType))
        {
            _sse = new SseParser(OnEvent);
        }
        else
        {
            _body = new BoundedByteBuffer(maxBodyBytes);
        }
    }

    public string Format => FormatName;

    public TerminalEvent? Terminal { get; private set; }

    public StreamFault? Fault { get; private set; }

    public TokenUsage? FinalUsage => _message.FinalUsage?.ToTokenUsage();

    /// <summary>message_start's counts (its output_tokens is a placeholder), or a message_delta's before the stop reason.</summary>
    public TokenUsage? ProvisionalUsage => _message.ProvisionalUsage?.ToTokenUsage();

    /// <summary>
    /// The stop reason arrived (message_delta) and every started block was stopped: between message_delta and
    /// message_stop the answer is whole, so a client leaving there still proves completion with the final usage.
    /// </summary>
    public bool AnswerComplete => Fault is null && _message.StopReason is not null && _message.EveryBlockStopped;

    public TerminalClass FinishClass => _message.FinishClass;

    public DateTimeOffset? FirstTokenAt { get; private set; }

    public string? ResponseModel => _message.Model;

    public string? FinishReason => _message.StopReason;

    public string? NormalizedFinishReason => _message.NormalizedFinishReason;

    public long EventCount => _sse?.EventCount ?? _bodyEvents;

    /// <summary>Every upstream byte, including those after a fault or the end.</summary>
    public long ByteCount { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes, DateTimeOffset at)
    {
        ByteCount += bytes.Length;
        if (_upstreamComplete || Fault is not null || bytes.IsEmpty)
        {
            return;
        }

        _now = at;
        if (_sse is not null)
        {
            _sse.Append(bytes);
            TakeSseFault(at);
        }
        else if (_body is not null)
        {
            _firstBodyByteAt ??= at;
            if (!_body.TryAppend(bytes))
            {
                Fail("body_too_large", $"The response body exceeds {_maxBodyBytes} bytes.", at);
            }
        }
    }

    public void CompleteUpstream(DateTimeOffset at)
    {
        if (_upstreamComplete)
        {
            return;
        }

        _upstreamComplete = true;
        if (Fault is not null)
        {
            return;
        }

        _now = at;
        if (_sse is not null)
        {
            _sse.Complete();
            TakeSseFault(at);
        }
        else if (_body is not null)
        {
            ParseBody(_body.Memory, at);
        }
    }

    public string GeneratedText() => _message.GeneratedText();

    public string BuildResponse(int maxChars, out bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        var json = AnthropicResponseWriter.Write(_message);
        truncated = _message.Budget.Exceeded || json.Length > maxChars;
        if (json.Length <= maxChars)
        {
            return json;
        }

        var length = maxChars > 0 && char.IsHighSurrogate(json[maxChars - 1]) ? maxChars - 1 : maxChars;
        return json[..length];
    }

    private void OnEvent(SseEvent sseEvent)
    {
        if (Terminal is not null || Fault is not null)
        {
            return;
        }

        var result = AnthropicStreamJson.Read(_message, sseEvent, _now);
        switch (result.Kind)
        {
            case AnthropicEventKind.Token:
                FirstTokenAt ??= _now;
                break;
            case AnthropicEventKind.MessageStop:
                Terminal = new TerminalEvent(FinishClass, "message_stop", _now);
                break;
            case AnthropicEventKind.Error:
                // Anthropic's error event ends the stream, so it is the terminal event, not a fault
                // (https://platform.claude.com/docs/en/build-with-claude/streaming, "Error events").
                Terminal = new TerminalEvent(TerminalClass.Failed, "error", _now, result.ErrorMessage);
                break;
            case AnthropicEventKind.Malformed:
                Fault ??= result.Fault;
                break;
        }
    }

    private void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        if (AnthropicBodyJson.Read(_message, body, at, out var carriedToken) is { } fault)
        {
            Fault ??= fault;
            return;
        }

        _bodyEvents = 1;
        if (carriedToken)
        {
            // A non-streamed answer is whole before its first byte leaves the provider.
            FirstTokenAt = _firstBodyByteAt;
        }

        Terminal = new TerminalEvent(FinishClass, "message", at);
    }

    private void TakeSseFault(DateTimeOffset at)
    {
        // Whatever follows the terminal event cannot change the answer it closed.
        if (_sse?.Fault is { } fault && Terminal is null)
        {
            Fail(fault.Code, fault.Message, at);
        }
    }

    private void Fail(string code, string message, DateTimeOffset at) => Fault ??= new StreamFault(code, message, at);
}
