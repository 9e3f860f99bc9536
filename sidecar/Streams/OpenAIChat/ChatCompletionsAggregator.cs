using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>
/// Aggregates an OpenAI Chat Completions response: a <c>text/event-stream</c> of <c>chat.completion.chunk</c>
/// objects ending in <c>data: [DONE]</c>, or any other content type as one buffered <c>chat.completion</c> body.
/// The first fault wins; after it, and after the terminal event, nothing more is aggregated.
/// </summary>
internal sealed class ChatCompletionsAggregator : IFormatAggregator
{
    public const string FormatName = "openai-chat";
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;

    private readonly ChatCompletion _completion;
    private readonly SseParser? _sse;
    private readonly BoundedByteBuffer? _body;
    private readonly int _maxBodyBytes;
    private DateTimeOffset _now;
    private DateTimeOffset? _firstBodyByteAt;
    private bool _upstreamComplete;
    private long _bodyEvents;

    public ChatCompletionsAggregator(
        string? contentType,
        int maxBodyBytes = DefaultMaxBodyBytes,
        int maxTextChars = TextBudget.DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBodyBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTextChars);
        _completion = new ChatCompletion(maxTextChars);
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

    public TokenUsage? FinalUsage => _completion.Usage;

    /// <summary>Chat Completions has no provisional usage: the usage chunk is final or absent.</summary>
    public TokenUsage? ProvisionalUsage => null;

    public bool AnswerComplete => Fault is null && _completion.EveryChoiceFinished;

    public TerminalClass FinishClass => _completion.FinishClass;

    public DateTimeOffset? FirstTokenAt { get; private set; }

    public string? ResponseModel => _completion.Model;

    public string? FinishReason => _completion.FinishReason;

    public string? NormalizedFinishReason => _completion.NormalizedFinishReason;

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

    public string GeneratedText() => _completion.GeneratedText();

    public string BuildResponse(int maxChars, out bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        var json = ChatResponseWriter.Write(_completion);
        truncated = _completion.Budget.Exceeded || json.Length > maxChars;
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

        // Some compatible servers pad the sentinel with whitespace; it is still the end of the stream.
        if (sseEvent.Data.AsSpan().Trim() is "[DONE]")
        {
            Terminal = new TerminalEvent(FinishClass, "[DONE]", _now);
            return;
        }

        using var document = ProviderJson.TryParseObject(sseEvent.Data, "An event's data", _now, out var fault);
        if (document is null)
        {
            Fault ??= fault;
        }
        else if (Apply(() => ChatJson.ApplyChunk(_completion, document.RootElement), _now))
        {
            FirstTokenAt ??= _now;
        }
    }

    /// <summary>
    /// Valid JSON can still hold what a reader refuses: a member of the wrong kind (<c>"choices":[1]</c>) or a lone
    /// surrogate escape. Either makes the stream malformed; neither may escape as an exception.
    /// </summary>
    private bool Apply(Func<bool> apply, DateTimeOffset at)
    {
        try
        {
            return apply();
        }
        catch (InvalidOperationException exception)
        {
            Fail("malformed_json", "A chunk has a value of the wrong kind or invalid text: " + exception.Message, at);
            return false;
        }
    }

    private void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        using var document = ProviderJson.TryParseObject(body, "The response body", at, out var fault);
        if (document is null)
        {
            Fault ??= fault;
            return;
        }

        var root = document.RootElement;
        if (!ChatJson.HasChoices(root))
        {
            Fail("malformed_json", "The response body is not a chat.completion object.", at);
            return;
        }

        _bodyEvents = 1;
        if (Apply(() => ChatJson.ApplyCompletion(_completion, root), at))
        {
            // A non-streamed answer is whole before its first byte leaves the provider.
            FirstTokenAt = _firstBodyByteAt;
        }

        Terminal = new TerminalEvent(FinishClass, "chat.completion", at);
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
