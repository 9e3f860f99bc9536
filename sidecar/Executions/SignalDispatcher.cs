using Tap.Protocol;
using Tap.Sidecar.Outcome;

namespace Tap.Sidecar.Executions;

/// <summary>
/// The one translation of reported signals into an execution's state. Live ingest reads them off the wire,
/// <c>tap replay ID</c> from the record's signals and a transcript replay from its simulated stops; all three come
/// through here, so a replay decides from the state the live sidecar decided from. (Written three times, the
/// replays read a drain or a shim's drop as a lost connection and decided differently: issue 13.)
/// </summary>
internal static class SignalDispatcher
{
    /// <summary>
    /// What a decoded frame of the execution other than its Start or a chunk signals. The sidecar reads the usual
    /// encodings of these frames in place (<see cref="ControlFrame"/>) and translates their fields with the same
    /// <see cref="OfResponse"/>, <see cref="OfSignal"/> and <see cref="OfEnd"/>.
    /// </summary>
    public static (string Kind, SignalDetail Detail) Of(ExecutionMessage message) => message switch
    {
        ResponseMessage response => OfResponse(response.StatusCode, response.ContentType),
        SignalMessage signal => OfSignal(signal.Kind, signal.ErrorKind, signal.Message),
        EndMessage end => OfEnd(end.DroppedFrames),
        _ => throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"{message.Type} is not a signal of execution {ExecutionIds.FromBytes(message.ExecutionId)}."),
    };

    public static (string Kind, SignalDetail Detail) OfResponse(int statusCode, string? contentType) =>
        (ObservedSignal.Response, new SignalDetail(statusCode, contentType));

    public static (string Kind, SignalDetail Detail) OfSignal(SignalKind kind, string? errorKind, string? message) =>
        (KindOf(kind), new SignalDetail(ErrorKind: errorKind, Message: message));

    public static (string Kind, SignalDetail Detail) OfEnd(int droppedFrames) => droppedFrames == EndMessage.DroppedWhole
        ? (ObservedSignal.ShimDropped, default)
        : (ObservedSignal.End, new SignalDetail(DroppedFrames: droppedFrames));

    /// <summary>A signal by its recorded kind (one of <see cref="ObservedSignal"/>'s); returns how the execution ends when it ends it.</summary>
    public static Finalization? Apply(ExecutionState state, string kind, DateTimeOffset at, SignalDetail detail = default)
    {
        switch (kind)
        {
            case ObservedSignal.Response:
                state.OnResponse(detail.Status, detail.ContentType, at);
                return null;
            case ObservedSignal.ClientAborted:
                state.OnClientAborted(at);
                return null;
            case ObservedSignal.UpstreamError:
                state.OnUpstreamError(detail.ErrorKind, detail.Message, at);
                return null;
            case ObservedSignal.UpstreamEnd:
                state.OnUpstreamEnd(at);
                return null;
            case ObservedSignal.DrainStarted:
                state.OnDrainStarted(at);
                return null;
            case ObservedSignal.DrainSkipped:
                state.OnDrainSkipped(detail.Message, at);
                return null;
            case ObservedSignal.End:
                state.OnEnd(detail.DroppedFrames, at);
                return Finalization.Ended;
            default:
                var how = FinalizationOf(kind) ?? throw new ArgumentException($"'{kind}' is not a signal kind.", nameof(kind));
                state.OnFinalized(how, at);
                return how;
        }
    }

    /// <summary>Whether <paramref name="kind"/> is a signal this version knows: a record from a newer one may hold others.</summary>
    public static bool Knows(string kind) => kind is ObservedSignal.Response or ObservedSignal.ClientAborted or ObservedSignal.UpstreamError
        or ObservedSignal.UpstreamEnd or ObservedSignal.DrainStarted or ObservedSignal.DrainSkipped or ObservedSignal.End
        || FinalizationOf(kind) is not null;

    // The signals the sidecar adds itself when the proxy never sent End (ExecutionState.OnFinalized names them).
    private static Finalization? FinalizationOf(string kind) => kind switch
    {
        ObservedSignal.ShimDropped => Finalization.ShimDropped,
        ObservedSignal.ConnectionLost => Finalization.ConnectionLost,
        ObservedSignal.Shutdown => Finalization.Shutdown,
        _ => null,
    };

    private static string KindOf(SignalKind kind) => kind switch
    {
        SignalKind.ClientAborted => ObservedSignal.ClientAborted,
        SignalKind.UpstreamError => ObservedSignal.UpstreamError,
        SignalKind.UpstreamEnd => ObservedSignal.UpstreamEnd,
        SignalKind.DrainStarted => ObservedSignal.DrainStarted,
        SignalKind.DrainSkipped => ObservedSignal.DrainSkipped,
        _ => throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Unknown signal kind {(int)kind}."),
    };
}
