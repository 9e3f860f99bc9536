using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams;

/// <summary>
/// What every format's aggregator does the same way: a <c>text/event-stream</c> goes through the SSE parser one
/// event at a time, anything else is buffered (bounded) and parsed as one body when the upstream ends. The first
/// fault wins; after it, and after the terminal event, nothing more is aggregated, but every byte is counted.
/// </summary>
internal abstract class ResponseAggregator : IFormatAggregator
{
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;

    private readonly SseParser? _sse;
    private readonly BoundedByteBuffer? _body;
    private readonly int _maxBodyBytes;
    private bool _upstreamComplete;

    protected ResponseAggregator(string? contentType, int maxBodyBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBodyBytes);
        _maxBodyBytes = maxBodyBytes;
        if (ContentTypes.IsEventStream(contentType))
        {
            _sse = new SseParser(Dispatch);
        }
        else
        {
            _body = new BoundedByteBuffer(maxBodyBytes);
        }
    }

    public abstract string Format { get; }

    public TerminalEvent? Terminal { get; protected set; }

    public StreamFault? Fault { get; protected set; }

    public abstract TokenUsage? FinalUsage { get; }

    public abstract TokenUsage? ProvisionalUsage { get; }

    public abstract bool AnswerComplete { get; }

    public abstract TerminalClass FinishClass { get; }

    public DateTimeOffset? FirstTokenAt { get; protected set; }

    public abstract string? ResponseModel { get; }

    public abstract string? FinishReason { get; }

    public abstract string? NormalizedFinishReason { get; }

    public long EventCount => _sse?.EventCount ?? BodyEvents;

    /// <summary>Every upstream byte, including those after a fault or the end.</summary>
    public long ByteCount { get; private set; }

    /// <summary>Events a non-streamed body held (1, or a Gemini array's length).</summary>
    protected long BodyEvents { get; set; }

    /// <summary>When the bytes being parsed arrived.</summary>
    protected DateTimeOffset Now { get; private set; }

    protected DateTimeOffset? FirstBodyByteAt { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes, DateTimeOffset at)
    {
        ByteCount += bytes.Length;
        if (_upstreamComplete || Fault is not null || bytes.IsEmpty)
        {
            return;
        }

        Now = at;
        if (_sse is not null)
        {
            _sse.Append(bytes);
            TakeSseFault(at);
        }
        else if (_body is not null)
        {
            FirstBodyByteAt ??= at;
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

        Now = at;
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

    public abstract string GeneratedText();

    public string BuildResponse(int maxChars, out bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        var json = WriteResponse(out var budgetExceeded);
        truncated = budgetExceeded || json.Length > maxChars;
        if (json.Length <= maxChars)
        {
            return json;
        }

        var length = maxChars > 0 && char.IsHighSurrogate(json[maxChars - 1]) ? maxChars - 1 : maxChars;
        return json[..length];
    }

    /// <summary>The aggregated response in the provider's non-streamed shape; whether the text budget cut it.</summary>
    protected abstract string WriteResponse(out bool budgetExceeded);

    /// <summary>One SSE event, before any fault and before the terminal event.</summary>
    protected abstract void OnEvent(SseEvent sseEvent);

    /// <summary>The whole non-streamed body, once the upstream ended.</summary>
    protected abstract void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at);

    protected void Fail(string code, string message, DateTimeOffset at) => Fault ??= new StreamFault(code, message, at);

    private void Dispatch(SseEvent sseEvent)
    {
        if (Terminal is null && Fault is null)
        {
            OnEvent(sseEvent);
        }
    }

    private void TakeSseFault(DateTimeOffset at)
    {
        // Whatever follows the terminal event cannot change the answer it closed.
        if (_sse?.Fault is { } fault && Terminal is null)
        {
            Fail(fault.Code, fault.Message, at);
        }
    }
}
