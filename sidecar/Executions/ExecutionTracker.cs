using Tap.Protocol;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Executions;

/// <summary>
/// The executions in flight on one connection: applies their frames in order and records each when it ends. Who may
/// start which execution is <see cref="ExecutionOwnership"/>'s to decide; an execution taken over by a newer connection
/// of the same shim instance stays here only to swallow its stale frames until its End.
/// </summary>
internal sealed class ExecutionTracker(
    long connectionId,
    ClientIdentity client,
    Guid? instance,
    ExecutionRecorder recorder,
    ExecutionOwnership ownership,
    Action<Guid> acknowledge,
    int maxInFlight)
{
    /// <summary>A loss reason is a short code (docs/protocol.md, "7 Loss"); anything longer is not one.</summary>
    private const int MaxReasonLength = 64;

    private readonly Dictionary<Guid, Tracked> _inFlight = [];

    public int InFlight => _inFlight.Count;

    public void Handle(ExecutionMessage message)
    {
        if (message is ChunkMessage chunk)
        {
            HandleChunk(message.ExecutionId, message.Sequence, message.Timestamp, chunk.Data);
            return;
        }

        if (message is StartMessage start)
        {
            Begin(ExecutionIds.FromBytes(message.ExecutionId), start, Timestamps.FromWire(message.Timestamp));
            return;
        }

        var (kind, detail) = SignalDispatcher.Of(message);
        HandleSignal(message.ExecutionId, message.Type, message.Sequence, message.Timestamp, kind, detail);
    }

    /// <summary>
    /// A frame after the Start that is not a chunk, as its signal (<see cref="SignalDispatcher.Of"/>), read in place from
    /// the connection's buffer or from a decoded message.
    /// </summary>
    public void HandleSignal(ReadOnlySpan<byte> executionId, MessageType type, uint sequence, long timestamp, string kind, SignalDetail detail)
    {
        var id = ExecutionIds.FromBytes(executionId);
        if (Next(id, type, sequence) is not { } tracked)
        {
            return;
        }

        var at = Timestamps.FromWire(timestamp);
        tracked.Raw?.Signal(at);
        if (SignalDispatcher.Apply(tracked.State, kind, at, detail) is { } how)
        {
            Finish(id, tracked, how);
        }
    }

    /// <summary>A Chunk's fields, read in place from the connection's buffer (<see cref="ChunkFrame.TryRead"/>) or from a decoded message.</summary>
    public void HandleChunk(ReadOnlySpan<byte> executionId, uint sequence, long timestamp, ReadOnlySpan<byte> data)
    {
        if (Next(ExecutionIds.FromBytes(executionId), MessageType.Chunk, sequence) is not { } tracked)
        {
            return;
        }

        var at = Timestamps.FromWire(timestamp);
        tracked.State.OnChunk(data, at);
        tracked.Raw?.Keep(data, at);
    }

    /// <summary>
    /// The execution a frame after its Start belongs to, its sequence checked and counted; null when the frame is to be
    /// ignored (a repeat, or stale after a takeover).
    /// </summary>
    private Tracked? Next(Guid id, MessageType type, uint sequence)
    {
        if (!_inFlight.TryGetValue(id, out var tracked))
        {
            throw new ProtocolException(ProtocolErrorCodes.UnknownExecution, $"{type} for execution {id}, which was never started on this connection or has ended.");
        }

        if (tracked.Claim.TakenOver)
        {
            // The shim replayed it on a newer connection: this one's frames are stale, not an offence.
            if (type == MessageType.End)
            {
                _inFlight.Remove(id);
            }

            return null;
        }

        if (sequence != tracked.NextSequence)
        {
            if (sequence < tracked.NextSequence)
            {
                tracked.State.AddNote($"{type} with sequence {sequence} repeated an earlier frame and was ignored.");
                return null;
            }

            tracked.State.AddNote($"Frames {tracked.NextSequence} to {sequence - 1} never arrived: the capture is incomplete.");
        }

        tracked.NextSequence = sequence + 1;
        return tracked;
    }

    /// <summary>A shim's report of executions it dropped whole: recorded as losses, acknowledged by the report's id once committed.</summary>
    public void HandleLoss(LossMessage loss)
    {
        var reportId = ExecutionIds.FromBytes(loss.ExecutionId);
        if (loss.Sequence != 0)
        {
            throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Loss report {reportId} has sequence {loss.Sequence}; it must be 0.");
        }

        if (string.IsNullOrEmpty(loss.Reason) || loss.Reason.Length > MaxReasonLength)
        {
            throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Loss report {reportId} needs a reason of 1 to {MaxReasonLength} characters.");
        }

        if (loss.Uncounted < 0)
        {
            throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Loss report {reportId} has a negative uncounted {loss.Uncounted}.");
        }

        var ids = new Guid[loss.ExecutionIds.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            if (loss.ExecutionIds[i] is not { Length: ProtocolConstants.ExecutionIdBytes } bytes)
            {
                throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Loss report {reportId} names an execution id that is not {ProtocolConstants.ExecutionIdBytes} bytes.");
            }

            ids[i] = ExecutionIds.FromBytes(bytes);
        }

        var report = new ShimLossReport(reportId, loss.Reason, ids, loss.Uncounted, client, instance, Timestamps.FromWire(loss.Timestamp).UtcDateTime);
        recorder.RecordLoss(report, acknowledge);
    }

    /// <summary>
    /// The connection is gone. On shutdown, every execution in flight is decided by rule 7 now; on a lost
    /// connection they wait in the orphan registry for the shim to come back. Returns how many there were.
    /// </summary>
    public int FinalizeAll(Finalization how, DateTimeOffset at)
    {
        var count = 0;
        foreach (var (id, tracked) in _inFlight)
        {
            if (tracked.Claim.TakenOver)
            {
                continue;
            }

            tracked.Raw?.Signal(at);
            if (how == Finalization.ConnectionLost)
            {
                count += ownership.Orphan(id, tracked.Claim, tracked.State, client, tracked.Raw) ? 1 : 0;
                continue;
            }

            if (ownership.Release(id, tracked.Claim))
            {
                count++;
                tracked.State.OnFinalized(how, at);
                recorder.Record(tracked.State, how, client, tracked.Raw, acknowledge: null);
            }
        }

        _inFlight.Clear();
        return count;
    }

    // A takeover between the frame's check and here loses the race cleanly: the newer connection records it.
    private void Finish(Guid id, Tracked tracked, Finalization how)
    {
        _inFlight.Remove(id);
        if (ownership.Release(id, tracked.Claim))
        {
            recorder.Record(tracked.State, how, client, tracked.Raw, acknowledge);
        }
    }

    private void Begin(Guid id, StartMessage start, DateTimeOffset at)
    {
        if (start.Sequence != 0)
        {
            throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Start of {id} has sequence {start.Sequence}; it must be 0.");
        }

        if (_inFlight.TryGetValue(id, out var earlier))
        {
            if (!earlier.Claim.TakenOver)
            {
                throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Execution {id} was started twice.");
            }

            // Taken over by a newer connection, now replayed here again: this connection claims it like any other.
            _inFlight.Remove(id);
        }

        if (_inFlight.Count >= maxInFlight)
        {
            throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"More than {maxInFlight} executions in flight on one connection.");
        }

        var claim = new ExecutionOwnership.Claim(connectionId, instance);
        var outcome = ownership.TryClaim(id, claim, out var owner);
        if (outcome == ClaimOutcome.Owned)
        {
            throw new ProtocolException(
                ProtocolErrorCodes.ExecutionOwned,
                $"Execution {id} is in flight on connection {owner!.ConnectionId} of another shim instance; it stays with that connection.");
        }

        var declared = !string.IsNullOrEmpty(start.ApiFormat);
        var format = declared ? start.ApiFormat! : FormatInference.FromPath(start.RequestPath);
        var state = new ExecutionState(new ExecutionStart(
            id, at, format, start.Stream, start.RequestId, start.Attempt,
            start.Route, start.Provider, start.RequestedModel ?? BedrockPath.ModelId(start.RequestPath), start.RequestPath, start.RequestBody, FormatDeclared: declared,
            TraceParent: Bounded(start.TraceParent, ProtocolConstants.MaxTraceParentChars),
            TraceState: Bounded(start.TraceState, ProtocolConstants.MaxTraceStateChars)));
        if (outcome == ClaimOutcome.Adopted)
        {
            state.AddNote("The proxy's connection was lost while this execution was in flight; the shim reconnected and replayed it from its start.");
        }
        else if (outcome == ClaimOutcome.TakenOver)
        {
            state.AddNote($"The shim replayed this execution from its start on a new connection while its earlier connection {owner!.ConnectionId} was still open; the replay took it over.");
        }

        if (!declared && format != FormatInference.Unknown)
        {
            state.AddNote($"The API format was inferred as {format} from the request path {start.RequestPath}.");
        }

        _inFlight.Add(id, new Tracked(state, recorder.StartRawCapture(at), claim));
    }

    private sealed class Tracked(ExecutionState state, RawCapture? raw, ExecutionOwnership.Claim claim)
    {
        public ExecutionState State { get; } = state;

        public ExecutionOwnership.Claim Claim { get; } = claim;

        public RawCapture? Raw { get; } = raw;

        public uint NextSequence { get; set; } = 1;
    }

    // A shim's string is untrusted: a trace context longer than the protocol allows is not kept (a cut one would name another trace).
    private static string? Bounded(string? value, int max) => value is { Length: > 0 } && value.Length <= max ? value : null;
}
