using Microsoft.Extensions.Options;
using Tap.Sidecar.Executions;
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
    /// <summary>The record the current code would write; null without a complete raw capture, or with a signal this version does not know.</summary>
    public static ExecutionRecord? Rerun(ExecutionRecord recorded, StoreOptions? storeOptions = null)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (recorded.RawChunks is not { } chunks || recorded.RawChunksTruncated || !recorded.Signals.All(s => SignalDispatcher.Knows(s.Kind)))
        {
            return null;
        }

        var started = new DateTimeOffset(DateTime.SpecifyKind(recorded.StartedAt, DateTimeKind.Utc));
        var state = new ExecutionState(new ExecutionStart(
            recorded.Id, started, recorded.FormatInferred ? Streams.FormatInference.FromPath(recorded.RequestPath) : recorded.Format, recorded.Stream,
            recorded.RequestId, recorded.Attempt, recorded.Route, recorded.Provider, recorded.RequestedModel, recorded.RequestPath,
            FormatDeclared: !recorded.FormatInferred, TraceParent: recorded.TraceParent, TraceState: recorded.TraceState));
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
            var detail = new SignalDetail(recorded.UpstreamStatus ?? 200, recorded.ContentType, signal.ErrorKind, signal.Message);
            how = SignalDispatcher.Apply(state, signal.Kind, at, detail) ?? how;
        }

        var decision = OutcomeEngine.Decide(state, how);
        var factory = new RecordFactory(Options.Create(storeOptions ?? new StoreOptions()), TimeProvider.System);
        return factory.Create(state, decision, recorded.Client);
    }

    private static void Play(ExecutionState state, DateTimeOffset started, RawChunkEntry chunk) =>
        state.OnChunk(chunk.Data, started.AddTicks(chunk.OffsetMicros * TimeSpan.TicksPerMicrosecond));
}
