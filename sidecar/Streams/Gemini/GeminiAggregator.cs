using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// Aggregates a Gemini <c>streamGenerateContent?alt=sse</c> response: a <c>text/event-stream</c> of
/// GenerateContentResponse chunks with no end marker, whose terminal event is the chunk on which every candidate has
/// a <c>finishReason</c> (or a blocked prompt's <c>promptFeedback.blockReason</c>). Any other content type is one
/// buffered body: a <c>generateContent</c> response, or the JSON array <c>streamGenerateContent</c> sends without
/// <c>alt=sse</c>. The first fault wins; after it, and after the terminal event, nothing more is aggregated.
/// </summary>
internal sealed class GeminiAggregator : IFormatAggregator
{
    public const string FormatName = "gemini";
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;
    public const string FinishReasonEvent = "finishReason";
    public const string BlockReasonEvent = "promptFeedback.blockReason";
    public const string BodyEvent = "GenerateContentResponse";

    private readonly GeminiResponse _response;
    private readonly SseParser? _sse;
    private readonly BoundedByteBuffer? _body;
    private readonly int _maxBodyBytes;
    private DateTimeOffset _now;
    private DateTimeOffset? _firstBodyByteAt;
    private bool _upstreamComplete;
    private long _bodyEvents;

    public GeminiAggregator(
        string? contentType,
        int maxBodyBytes = DefaultMaxBodyBytes,
        int maxTextChars = TextBudget.DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBodyBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTextChars);
        _response = new GeminiResponse(maxTextChars);
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

    public TokenUsage? FinalUsage => _response.Usage?.ToTokenUsage();

    public TokenUsage? ProvisionalUsage => _response.ProvisionalUsage?.ToTokenUsage();

    public bool AnswerComplete => Fault is null && _response.EveryCandidateFinished;

    public TerminalClass FinishClass => _response.FinishClass;

    public DateTimeOffset? FirstTokenAt { get; private set; }

    public string? ResponseModel => _response.ModelVersion;

    public string? FinishReason => _response.FinishReason;

    public string? NormalizedFinishReason => _response.NormalizedFinishReason;

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

    public string GeneratedText() => _response.GeneratedText();

    public string BuildResponse(int maxChars, out bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        var json = GeminiResponseWriter.Write(_response);
        truncated = _response.Budget.Exceeded || json.Length > maxChars;
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

        using var document = ProviderJson.TryParseObject(sseEvent.Data, "An event's data", _now, out var fault);
        if (document is null)
        {
            Fault ??= fault;
            return;
        }

        if (GeminiJson.Apply(_response, document.RootElement))
        {
            FirstTokenAt ??= _now;
        }

        // alt=sse has no end marker: the stream simply ends after the chunk that finishes the last candidate.
        if (_response.Finished)
        {
            Terminal = new TerminalEvent(_response.TerminalClass, TerminalName(FinishReasonEvent), _now, _response.FailureDetail);
        }
    }

    private void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        using var document = GeminiBody.TryParse(body, at, out var fault);
        if (document is null)
        {
            Fault ??= fault;
            return;
        }

        var responses = GeminiBody.Responses(document.RootElement).ToList();
        if (!responses.Any(GeminiJson.IsResponse))
        {
            Fail("malformed_json", "The response body is not a GenerateContentResponse.", at);
            return;
        }

        _bodyEvents = responses.Count;
        var carriedToken = false;
        foreach (var response in responses)
        {
            carriedToken |= GeminiJson.Apply(_response, response);
        }

        _response.CloseBody();
        if (carriedToken)
        {
            // A non-streamed answer is whole before its first byte leaves the provider.
            FirstTokenAt = _firstBodyByteAt;
        }

        Terminal = new TerminalEvent(_response.TerminalClass, TerminalName(BodyEvent), at, _response.FailureDetail);
    }

    private string TerminalName(string name) => _response.PromptBlocked ? BlockReasonEvent : name;

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
