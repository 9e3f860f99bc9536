using System.Text.Json;
using Tap.Sidecar.Streams.Json;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams;

/// <summary>
/// What every format's aggregator does the same way: a streamed response goes through its framer (the SSE parser for
/// <c>text/event-stream</c>) one event at a time, anything else is buffered (bounded) and parsed as one body when the
/// upstream ends. All generated text is held within one <see cref="TextBudget"/>. The first fault wins, and a value no
/// reader can take (<see cref="MalformedJsonException"/>) is one: after it, and after the terminal event, nothing more is
/// aggregated, but every byte is counted.
/// </summary>
internal abstract class ResponseAggregator : IFormatAggregator
{
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;

    private readonly IEventFramer? _framer;
    private readonly BoundedByteBuffer? _body;
    private readonly int _maxBodyBytes;
    private bool _upstreamComplete;

    /// <summary>A format whose streams are <c>text/event-stream</c>.</summary>
    protected ResponseAggregator(string format, string? contentType, int maxBodyBytes, int maxTextChars)
        : this(format, ContentTypes.IsEventStream(contentType) ? dispatch => new SseParser(dispatch) : null, maxBodyBytes, maxTextChars)
    {
    }

    /// <summary>A format with its own stream framing.</summary>
    /// <param name="framing">Makes the framer that dispatches the stream's events; null when the response is one body.</param>
    protected ResponseAggregator(string format, Func<Action<SseEvent>, IEventFramer>? framing, int maxBodyBytes, int maxTextChars)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBodyBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTextChars);
        Format = format;
        Budget = new TextBudget(maxTextChars);
        _maxBodyBytes = maxBodyBytes;
        if (framing is not null)
        {
            _framer = framing(Dispatch);
        }
        else
        {
            _body = new BoundedByteBuffer(maxBodyBytes);
        }
    }

    public string Format { get; }

    public TerminalEvent? Terminal { get; protected set; }

    public StreamFault? Fault { get; private set; }

    public abstract TokenUsage? FinalUsage { get; }

    public abstract TokenUsage? ProvisionalUsage { get; }

    public abstract bool AnswerComplete { get; }

    public abstract TerminalClass FinishClass { get; }

    public DateTimeOffset? FirstTokenAt { get; private set; }

    public abstract string? ResponseModel { get; }

    public abstract string? ResponseId { get; }

    public abstract string? FinishReason { get; }

    public abstract string? NormalizedFinishReason { get; }

    public long EventCount => _framer?.EventCount ?? BodyEvents;

    /// <summary>Every upstream byte, including those after a fault or the end.</summary>
    public long ByteCount { get; private set; }

    /// <summary>The one cap on the text the response keeps; the format's model appends through it.</summary>
    protected TextBudget Budget { get; }

    /// <summary>Events a non-streamed body held (1, or a Gemini array's length).</summary>
    protected long BodyEvents { get; private set; }

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
        if (_framer is not null)
        {
            _framer.Append(bytes);
            TakeFramingFault(at);
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
        if (_framer is not null)
        {
            _framer.Complete();
            TakeFramingFault(at);
        }
        else if (_body is not null)
        {
            try
            {
                ParseBody(_body.Memory, at);
            }
            catch (MalformedJsonException exception)
            {
                Fail("malformed_json", exception.Message, at);
            }
        }
    }

    public abstract string GeneratedText();

    public string BuildResponse(int maxChars, out bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        var json = WriteResponse();
        truncated = Budget.Exceeded || json.Length > maxChars;
        if (json.Length <= maxChars)
        {
            return json;
        }

        var length = maxChars > 0 && char.IsHighSurrogate(json[maxChars - 1]) ? maxChars - 1 : maxChars;
        return json[..length];
    }

    /// <summary>The aggregated response in the provider's non-streamed shape.</summary>
    protected abstract string WriteResponse();

    /// <summary>One event, before any fault and before the terminal event.</summary>
    protected abstract void OnEvent(SseEvent sseEvent);

    /// <summary>The whole non-streamed body, once the upstream ended.</summary>
    protected abstract void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at);

    /// <summary>Records the fault unless one came first; null records nothing.</summary>
    protected void Fail(StreamFault? fault) => Fault ??= fault;

    protected void Fail(string code, string message, DateTimeOffset at) => Fault ??= new StreamFault(code, message, at);

    /// <summary>
    /// <paramref name="utf8"/> as a JSON object (<see cref="ProviderJson.TryParseObject"/>); null, with the fault
    /// recorded, when it is not one or is a provider's error object.
    /// </summary>
    protected JsonDocument? ParseObject(ReadOnlyMemory<byte> utf8, string what, Func<JsonElement, bool>? ownsError = null)
    {
        var document = ProviderJson.TryParseObject(utf8, what, Now, out var fault, ownsError);
        Fail(fault);
        return document;
    }

    /// <summary>The event being read carried the first content, reasoning or tool call, unless an earlier one did.</summary>
    protected void TokenSeen() => FirstTokenAt ??= Now;

    /// <summary>A whole body was read: its events count, and when it carried a token, the token came with its first byte.</summary>
    protected void AcceptBody(long events, bool carriedToken)
    {
        BodyEvents = events;
        if (carriedToken)
        {
            // A non-streamed answer is whole before its first byte leaves the provider.
            FirstTokenAt = FirstBodyByteAt;
        }
    }

    private void Dispatch(SseEvent sseEvent)
    {
        if (Terminal is not null || Fault is not null)
        {
            return;
        }

        try
        {
            OnEvent(sseEvent);
        }
        catch (MalformedJsonException exception)
        {
            Fail("malformed_json", exception.Message, Now);
        }
    }

    private void TakeFramingFault(DateTimeOffset at)
    {
        // Whatever follows the terminal event cannot change the answer it closed.
        if (_framer?.Fault is { } fault && Terminal is null)
        {
            Fail(fault.Code, fault.Message, at);
        }
    }
}
