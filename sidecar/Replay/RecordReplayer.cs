using Microsoft.Extensions.Options;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Replay;

/// <summary>
/// Re-decides a recorded execution from its stored raw chunks and signals with the current parsing and outcome
/// rules (<c>tap replay ID</c>): the chunks and signals are played back in the order they were reported, each
/// signal after the bytes it followed, at their recorded times.
/// </summary>
internal static class RecordReplayer
{
    /// <summary>The record the current code would write; null when the execution has no complete raw capture.</summary>
    public static ExecutionRecord? Rerun(ExecutionRecord recorded, StoreOptions? storeOptions = null)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (recorded.RawChunks is not { } chunks || recorded.RawChunksTruncated)
        {
            return null;
        }

        var started = new DateTimeOffset(DateTime.SpecifyKind(recorded.StartedAt, DateTimeKind.Utc));
        var state = new ExecutionState(new ExecutionStart(
            recorded.Id, started, recorded.FormatInferred ? Streams.FormatInference.FromPath(recorded.RequestPath) : recorded.Format, recorded.Stream,
            recorded.RequestId, recorded.Attempt, recorded.Route, recorded.Provider, recorded.RequestedModel, recorded.RequestPath,
            FormatDeclared: !recorded.FormatInferred));
        var next = 0;
        var how = Finalization.Ended;
        var exactTimes = recorded.RawSignalOffsetsMicros is { } offsets && offsets.Count == recorded.Signals.Count ? offsets : null;
        for (var i = 0; i < recorded.Signals.Count; i++)
        {
            var signal = recorded.Signals[i];
            // A signal came after exactly AfterBytes accepted bytes: play the chunks that precede it first.
            while (next < chunks.Count && state.Bytes < signal.AfterBytes)
            {
                Play(state, started, chunks[next++]);
            }

            var at = exactTimes is null
                ? new DateTimeOffset(DateTime.SpecifyKind(signal.At, DateTimeKind.Utc))
                : started.AddTicks(exactTimes[i] * TimeSpan.TicksPerMicrosecond);
            switch (signal.Kind)
            {
                case ObservedSignal.Response:
                    state.OnResponse(recorded.UpstreamStatus ?? 200, recorded.ContentType, at);
                    break;
                case ObservedSignal.ClientAborted:
                    state.OnClientAborted(at);
                    break;
                case ObservedSignal.UpstreamError:
                    state.OnUpstreamError(signal.ErrorKind, signal.Message, at);
                    break;
                case ObservedSignal.UpstreamEnd:
                    state.OnUpstreamEnd(at);
                    break;
                case ObservedSignal.End:
                    state.OnEnd(0, at);
                    break;
                default:
                    how = signal.Kind == ObservedSignal.Shutdown ? Finalization.Shutdown : Finalization.ConnectionLost;
                    state.OnFinalized(how, at);
                    break;
            }
        }

        var decision = OutcomeEngine.Decide(state, how);
        var factory = new RecordFactory(Options.Create(storeOptions ?? new StoreOptions()), TimeProvider.System);
        return factory.Create(state, decision, recorded.Client);
    }

    private static void Play(ExecutionState state, DateTimeOffset started, RawChunkEntry chunk) =>
        state.OnChunk(chunk.Data, started.AddTicks(chunk.OffsetMicros * TimeSpan.TicksPerMicrosecond));
}
