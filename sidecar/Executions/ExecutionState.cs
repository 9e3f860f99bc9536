using System.Buffers;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Executions;

/// <summary>
/// Everything the proxy has reported of one execution so far. Fed by one connection's reader, or by
/// <c>tap replay</c>, so both decide from exactly the same state.
/// </summary>
internal sealed class ExecutionState(ExecutionStart start) : IExecutionFacts
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private readonly List<ObservedSignal> _signals = [];
    private readonly List<string> _notes = [];
    private readonly ArrayBufferWriter<byte> _errorBody = new();

    // Held only while an undeclared format is still being recognized from the first bytes.
    private List<(byte[] Data, DateTimeOffset At)>? _sniffed;
    private int _sniffedBytes;

    public ExecutionStart Start { get; } = start;

    public DateTimeOffset StartedAt => Start.StartedAt;

    /// <summary>The format as declared, or as inferred from the path and then from the first response bytes.</summary>
    public string Format { get; private set; } = start.Format;

    public IReadOnlyList<ObservedSignal> Signals => _signals;

    public IReadOnlyList<string> Notes => _notes;

    public int? UpstreamStatus { get; private set; }

    public string? ContentType { get; private set; }

    public IFormatAggregator? Aggregator { get; private set; }

    /// <summary>An aggregator that threw: a bug, but the execution is still recorded, as malformed from that point.</summary>
    public StreamFault? AggregatorFailure { get; private set; }

    public long Bytes { get; private set; }

    public long Chunks { get; private set; }

    public DateTimeOffset? FirstByteAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public ObservedSignal? ClientAbort { get; private set; }

    public ObservedSignal? UpstreamError { get; private set; }

    public ObservedSignal? UpstreamEnd { get; private set; }

    public bool Ended => EndedAt is not null;

    /// <summary>
    /// The decision as the client saw it when it left and the shim started draining: the drain may bring the
    /// provider's final usage, but never a status the client did not get.
    /// </summary>
    public OutcomeDecision? DecisionAtDrain { get; private set; }

    /// <summary>The body of an HTTP error response (capped), for the provider's error message.</summary>
    public ReadOnlySpan<byte> ErrorBody => _errorBody.WrittenSpan;

    public void OnResponse(int statusCode, string? contentType, DateTimeOffset at)
    {
        if (UpstreamStatus is not null)
        {
            _notes.Add($"A second response head (HTTP {statusCode}) was ignored.");
            return;
        }

        UpstreamStatus = statusCode;
        ContentType = contentType;
        _signals.Add(new ObservedSignal(ObservedSignal.Response, at, Bytes, Message: $"HTTP {statusCode}"));
    }

    public void OnChunk(ReadOnlySpan<byte> data, DateTimeOffset at)
    {
        if (UpstreamEnd is not null || UpstreamError is not null)
        {
            _notes.Add($"{data.Length} bytes reported after the upstream had ended were ignored.");
            return;
        }

        FirstByteAt ??= at;
        Bytes += data.Length;
        Chunks++;
        if (UpstreamStatus >= 400)
        {
            var room = MaxErrorBodyBytes - _errorBody.WrittenCount;
            _errorBody.Write(data[..Math.Min(room, data.Length)]);
            return;
        }

        if (Aggregator is null && Format == FormatInference.Unknown)
        {
            Sniff(data, at);
            return;
        }

        Aggregator ??= AggregatorFactory.Create(Format, EffectiveContentType());
        Feed(data, at);
    }

    public void OnClientAborted(DateTimeOffset at)
    {
        var signal = new ObservedSignal(ObservedSignal.ClientAborted, at, Bytes);
        _signals.Add(signal);
        ClientAbort ??= signal;
    }

    public void OnUpstreamError(string? kind, string? message, DateTimeOffset at)
    {
        var signal = new ObservedSignal(ObservedSignal.UpstreamError, at, Bytes, kind ?? "other", message);
        _signals.Add(signal);
        UpstreamError ??= signal;
    }

    public void OnUpstreamEnd(DateTimeOffset at)
    {
        var signal = new ObservedSignal(ObservedSignal.UpstreamEnd, at, Bytes);
        _signals.Add(signal);
        if (UpstreamEnd is not null || UpstreamError is not null)
        {
            return;
        }

        UpstreamEnd = signal;
        if (UpstreamStatus is null or < 400)
        {
            EndSniffing();
            Aggregator ??= AggregatorFactory.Create(Format, EffectiveContentType());
            Guard(a => a.CompleteUpstream(at), at);
        }
    }

    public void OnDrainStarted(DateTimeOffset at)
    {
        _signals.Add(new ObservedSignal(ObservedSignal.DrainStarted, at, Bytes));
        if (DecisionAtDrain is null)
        {
            FinalUsageBeforeDrain = Aggregator?.FinalUsage is not null;
            DecisionAtDrain = OutcomeEngine.Decide(this, Finalization.Ended);
        }
    }

    /// <summary>Whether the final usage had already arrived when the drain started.</summary>
    public bool FinalUsageBeforeDrain { get; private set; }

    public void OnDrainSkipped(string? reason, DateTimeOffset at)
    {
        _signals.Add(new ObservedSignal(ObservedSignal.DrainSkipped, at, Bytes, Message: reason));
        _notes.Add($"No drain after the client left: {reason}.");
    }

    public void OnEnd(int droppedFrames, DateTimeOffset at)
    {
        _signals.Add(new ObservedSignal(ObservedSignal.End, at, Bytes));
        EndedAt = at;
        if (droppedFrames > 0)
        {
            _notes.Add($"The shim dropped {droppedFrames} frames of this execution (its buffer was full): the capture is incomplete.");
        }
    }

    /// <summary>The proxy never sent End: the connection was lost or the sidecar is stopping.</summary>
    public void OnFinalized(Finalization how, DateTimeOffset at)
    {
        var kind = how switch
        {
            Finalization.Shutdown => ObservedSignal.Shutdown,
            Finalization.ShimDropped => ObservedSignal.ShimDropped,
            _ => ObservedSignal.ConnectionLost,
        };
        _signals.Add(new ObservedSignal(kind, at, Bytes));
        EndedAt = at;
    }

    public void AddNote(string note) => _notes.Add(note);

    private void Feed(ReadOnlySpan<byte> data, DateTimeOffset at)
    {
        if (AggregatorFailure is not null)
        {
            return;
        }

        try
        {
            Aggregator!.Append(data, at);
        }
        catch (Exception ex)
        {
            Fail(ex, at);
        }
    }

    private void Guard(Action<IFormatAggregator> action, DateTimeOffset at)
    {
        if (AggregatorFailure is not null)
        {
            return;
        }

        try
        {
            action(Aggregator!);
        }
        catch (Exception ex)
        {
            Fail(ex, at);
        }
    }

    private void Fail(Exception exception, DateTimeOffset at)
    {
        AggregatorFailure = new StreamFault("aggregator_error", $"The {Format} parser failed on this stream ({exception.GetType().Name}: {exception.Message}).", at);
        _notes.Add("Tap could not parse this stream past this point; please report it with the transcript.");
    }

    private void Sniff(ReadOnlySpan<byte> data, DateTimeOffset at)
    {
        (_sniffed ??= []).Add((data.ToArray(), at));
        _sniffedBytes += data.Length;
        if (_sniffedBytes >= FormatInference.SniffBytes || data.IndexOf("\n\n"u8) >= 0 || data.IndexOf("\r\n\r\n"u8) >= 0
            || data.IndexOf(FormatInference.AwsEventTypeHeader) >= 0)
        {
            EndSniffing();
        }
    }

    /// <summary>Decides the format from what was held back, then feeds it to the aggregator in the order it came.</summary>
    private void EndSniffing()
    {
        if (_sniffed is null)
        {
            return;
        }

        var head = _sniffed.SelectMany(c => c.Data).Take(FormatInference.SniffBytes).ToArray();
        Format = FormatInference.FromBody(head);
        _notes.Add($"The API format was inferred as {Format} from the first bytes of the response.");
        Aggregator = AggregatorFactory.Create(Format, EffectiveContentType());
        foreach (var (bytes, at) in _sniffed)
        {
            Feed(bytes, at);
        }

        _sniffed = null;
    }

    // Without a content type, the Start frame's stream flag says whether to expect SSE.
    private string? EffectiveContentType() => ContentType ?? (Start.Stream ? "text/event-stream" : null);
}
