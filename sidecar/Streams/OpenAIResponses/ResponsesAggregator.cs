using Tap.Shim.Core;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>
/// Aggregates an OpenAI Responses API answer (<c>/v1/responses</c>): a <c>text/event-stream</c> of typed events, each with
/// a <c>sequence_number</c>, ending in <c>response.completed</c>, <c>response.incomplete</c>, <c>response.failed</c> or
/// <c>error</c>; or any other content type as one buffered <c>response</c> object. Only the terminal snapshot's usage is
/// final: the <c>created</c> and <c>in_progress</c> snapshots before it carry none (or a compatible server's running
/// count), so rule 4 of the outcome table has nothing to prove completion with before the terminal event itself.
/// The first fault wins; after it, and after the terminal event, nothing more is aggregated.
/// </summary>
internal sealed class ResponsesAggregator : IFormatAggregator
{
    public const string FormatName = ApiFormats.OpenAIResponses;
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;

    private readonly ResponsesOutput _output;
    private readonly SseParser? _sse;
    private readonly BoundedByteBuffer? _body;
    private readonly int _maxBodyBytes;
    private DateTimeOffset _now;
    private DateTimeOffset? _firstBodyByteAt;
    private bool _upstreamComplete;
    private long _bodyEvents;

    public ResponsesAggregator(
        string? contentType,
        int maxBodyBytes = DefaultMaxBodyBytes,
        int maxTextChars = TextBudget.DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBodyBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTextChars);
        _output = new ResponsesOutput(maxTextChars);
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

    public TokenUsage? FinalUsage => _output.Usage;

    public TokenUsage? ProvisionalUsage => _output.ProvisionalUsage;

    /// <summary>Every output item seen has had its <c>response.output_item.done</c>, and no fault was seen.</summary>
    public bool AnswerComplete => Fault is null && _output.EveryItemDone;

    public TerminalClass FinishClass => _output.FinishClass;

    public DateTimeOffset? FirstTokenAt { get; private set; }

    public string? ResponseModel => _output.Model;

    public string? FinishReason => _output.FinishReason;

    public string? NormalizedFinishReason => _output.NormalizedFinishReason;

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

    public string GeneratedText() => _output.GeneratedText();

    public string BuildResponse(int maxChars, out bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        var json = ResponsesWriter.Write(_output);
        truncated = _output.Budget.Exceeded || json.Length > maxChars;
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

        // The Responses API sends no [DONE]; compatible servers that copy Chat Completions do. It ends nothing here.
        if (sseEvent.Data.AsSpan().Trim() is "[DONE]")
        {
            return;
        }

        using var document = ResponsesJson.Parse(sseEvent.Data, "An event's data", _now, out var fault);
        if (document is null)
        {
            Fault ??= fault;
            return;
        }

        var data = document.RootElement;
        var type = ResponsesJson.Type(data) ?? sseEvent.EventType;
        var carried = false;
        if (type == ResponsesJson.ErrorEvent)
        {
            ResponsesJson.ApplyError(_output, data);
            Terminal = EndWith(TerminalClass.Failed, type, _now);
        }
        else if (ImpliedStatus(type) is { } impliedStatus)
        {
            data.TryGetProperty("response", out var response);
            carried = ResponsesJson.ApplyFinal(_output, response, impliedStatus, itemsDone: false);
            Terminal = EndWith(ClassOf(_output.FinalStatus, impliedStatus), type, _now);
        }
        else
        {
            carried = ResponsesJson.ApplyEvent(_output, type, data);
        }

        if (carried)
        {
            FirstTokenAt ??= _now;
        }
    }

    private void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        using var document = ResponsesJson.Parse(body, "The response body", at, out var fault);
        if (document is null)
        {
            Fault ??= fault;
            return;
        }

        var root = document.RootElement;
        if (!ResponsesJson.IsResponse(root))
        {
            Fail("malformed_json", "The response body is not a response object.", at);
            return;
        }

        _bodyEvents = 1;
        if (ResponsesJson.ApplyFinal(_output, root, impliedStatus: null, itemsDone: true))
        {
            // A non-streamed answer is whole before its first byte leaves the provider.
            FirstTokenAt = _firstBodyByteAt;
        }

        // A background request (background: true) is answered at once with status queued: the exchange completed,
        // and the finish reason says the answer itself is still to come.
        Terminal = EndWith(ClassOf(_output.FinalStatus, "completed"), "response", at);
    }

    /// <summary>The status a terminal event stands for; null for every other event.</summary>
    /// <remarks>
    /// <c>response.cancelled</c> is not a documented stream event (it names the webhook for a cancelled background
    /// response); a server that sends it means what the <c>cancelled</c> status means.
    /// </remarks>
    private static string? ImpliedStatus(string type) => type switch
    {
        "response.completed" => "completed",
        "response.incomplete" => "incomplete",
        "response.failed" => "failed",
        "response.cancelled" => "cancelled",
        _ => null,
    };

    /// <summary>
    /// The snapshot's status decides, so a <c>response.completed</c> whose status is <c>incomplete</c> is incomplete; the
    /// event's own status when the snapshot has none that ends a response.
    /// </summary>
    private static TerminalClass ClassOf(string? status, string impliedStatus) =>
        Classify(status) ?? Classify(impliedStatus) ?? TerminalClass.Completed;

    private static TerminalClass? Classify(string? status) => status switch
    {
        "completed" => TerminalClass.Completed,
        "incomplete" => TerminalClass.Incomplete,
        "failed" => TerminalClass.Failed,
        "cancelled" => TerminalClass.Canceled,
        _ => null,
    };

    private TerminalEvent EndWith(TerminalClass terminalClass, string name, DateTimeOffset at) =>
        new(terminalClass, name, at, terminalClass == TerminalClass.Failed ? _output.ErrorMessage ?? _output.ErrorCode : null);

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
