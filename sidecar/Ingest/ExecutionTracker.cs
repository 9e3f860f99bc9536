using Tap.Shim.Protocol;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Store;
using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Ingest;

/// <summary>The executions in flight on one connection: applies their frames in order and records each when it ends.</summary>
internal sealed class ExecutionTracker(
    ClientIdentity client,
    ExecutionRecorder recorder,
    OrphanRegistry orphans,
    Action<Guid> acknowledge,
    int maxInFlight)
{
    private readonly Dictionary<Guid, Tracked> _inFlight = [];

    public int InFlight => _inFlight.Count;

    public void Handle(ExecutionMessage message)
    {
        var id = ExecutionIds.FromBytes(message.ExecutionId);
        var at = Timestamps.FromWire(message.Timestamp);
        if (message is StartMessage start)
        {
            Begin(id, start, at);
            return;
        }

        if (!_inFlight.TryGetValue(id, out var tracked))
        {
            throw new ProtocolException(ProtocolErrorCodes.UnknownExecution, $"{message.Type} for execution {id}, which was never started on this connection or has ended.");
        }

        if (message.Sequence != tracked.NextSequence)
        {
            if (message.Sequence < tracked.NextSequence)
            {
                tracked.State.AddNote($"{message.Type} with sequence {message.Sequence} repeated an earlier frame and was ignored.");
                return;
            }

            tracked.State.AddNote($"Frames {tracked.NextSequence} to {message.Sequence - 1} never arrived: the capture is incomplete.");
        }

        tracked.NextSequence = message.Sequence + 1;
        var state = tracked.State;
        if (message is not ChunkMessage)
        {
            tracked.Raw?.Signal(at);
        }

        switch (message)
        {
            case ResponseMessage response:
                state.OnResponse(response.StatusCode, response.ContentType, at);
                break;
            case ChunkMessage chunk:
                tracked.Raw?.Add(chunk.Data, at);
                state.OnChunk(chunk.Data, at);
                break;
            case SignalMessage { Kind: SignalKind.ClientAborted }:
                state.OnClientAborted(at);
                break;
            case SignalMessage { Kind: SignalKind.UpstreamError } error:
                state.OnUpstreamError(error.ErrorKind, error.Message, at);
                break;
            case SignalMessage { Kind: SignalKind.UpstreamEnd }:
                state.OnUpstreamEnd(at);
                break;
            case SignalMessage { Kind: SignalKind.DrainStarted }:
                state.OnDrainStarted(at);
                break;
            case SignalMessage { Kind: SignalKind.DrainSkipped } skipped:
                state.OnDrainSkipped(skipped.Message, at);
                break;
            case SignalMessage signal:
                throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Unknown signal kind {(int)signal.Kind}.");
            case EndMessage { DroppedFrames: EndMessage.DroppedWhole }:
                state.OnFinalized(Finalization.ShimDropped, at);
                _inFlight.Remove(id);
                recorder.Record(state, Finalization.ShimDropped, client, tracked.Raw, acknowledge);
                break;
            case EndMessage end:
                state.OnEnd(end.DroppedFrames, at);
                _inFlight.Remove(id);
                recorder.Record(state, Finalization.Ended, client, tracked.Raw, acknowledge);
                break;
        }
    }

    /// <summary>
    /// The connection is gone. On shutdown, every execution in flight is decided by rule 7 now; on a lost
    /// connection they wait in the orphan registry for the shim to come back. Returns how many there were.
    /// </summary>
    public int FinalizeAll(Finalization how, DateTimeOffset at)
    {
        var count = _inFlight.Count;
        foreach (var tracked in _inFlight.Values)
        {
            tracked.Raw?.Signal(at);
            if (how == Finalization.ConnectionLost)
            {
                orphans.Add(tracked.State, client, tracked.Raw);
                continue;
            }

            tracked.State.OnFinalized(how, at);
            recorder.Record(tracked.State, how, client, tracked.Raw, acknowledge: null);
        }

        _inFlight.Clear();
        return count;
    }

    private void Begin(Guid id, StartMessage start, DateTimeOffset at)
    {
        if (start.Sequence != 0)
        {
            throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Start of {id} has sequence {start.Sequence}; it must be 0.");
        }

        var resumed = orphans.TryAdopt(id);
        if (_inFlight.ContainsKey(id))
        {
            throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Execution {id} was started twice.");
        }

        if (_inFlight.Count >= maxInFlight)
        {
            throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"More than {maxInFlight} executions in flight on one connection.");
        }

        var declared = !string.IsNullOrEmpty(start.ApiFormat);
        var format = declared ? start.ApiFormat! : FormatInference.FromPath(start.RequestPath);
        var state = new ExecutionState(new ExecutionStart(
            id, at, format, start.Stream, start.RequestId, start.Attempt,
            start.Route, start.Provider, start.RequestedModel, start.RequestPath, start.RequestBody, FormatDeclared: declared));
        if (resumed)
        {
            state.AddNote("The proxy's connection was lost while this execution was in flight; the shim reconnected and replayed it from its start.");
        }

        if (!declared && format != FormatInference.Unknown)
        {
            state.AddNote($"The API format was inferred as {format} from the request path {start.RequestPath}.");
        }

        _inFlight.Add(id, new Tracked(state, recorder.StartRawCapture(at)));
    }

    private sealed class Tracked(ExecutionState state, RawCapture? raw)
    {
        public ExecutionState State { get; } = state;

        public RawCapture? Raw { get; } = raw;

        public uint NextSequence { get; set; } = 1;
    }
}
