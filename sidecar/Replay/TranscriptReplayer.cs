using Microsoft.Extensions.Options;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.AwsEventStream;

namespace Tap.Sidecar.Replay;

/// <summary>
/// Plays a raw response transcript through the sidecar's own parsing, aggregation and outcome code, as a
/// proxy would have reported it: one chunk per SSE event or AWS event-stream message, one millisecond apart, with simulated signals
/// at byte offsets. The record it returns is the one <c>tap serve</c> would have written.
/// </summary>
internal static class TranscriptReplayer
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    public static ExecutionRecord Replay(ReadOnlySpan<byte> transcript, ReplayOptions options, StoreOptions? storeOptions = null)
    {
        var contentType = options.ContentType ?? GuessContentType(transcript);
        var aws = ContentTypes.IsAmazonEventStream(contentType);
        var streamed = aws || contentType.Contains("event-stream", StringComparison.OrdinalIgnoreCase);
        var clock = DateTimeOffset.UnixEpoch.AddYears(56);
        var state = new ExecutionState(new ExecutionStart(Tap.Protocol.ExecutionIds.NewVersion7(clock), clock, options.Format, streamed, RequestId: "replay"));

        clock += Tick;
        SignalDispatcher.Apply(state, ObservedSignal.Response, clock, new SignalDetail(options.Status, contentType));

        var stop = FirstStop(options, transcript.Length);
        long position = 0;
        foreach (var cut in aws ? [.. EventStreamLayout.MessageEnds(transcript), transcript.Length] : Cuts(transcript, streamed))
        {
            var end = Math.Min(cut, stop.At);
            if (end > position)
            {
                clock += Tick;
                state.OnChunk(transcript[(int)position..(int)end], clock);
                position = end;
            }

            if (position >= stop.At)
            {
                break;
            }
        }

        clock += Tick;
        SignalDispatcher.Apply(state, stop.Kind, clock, new SignalDetail(ErrorKind: "connection_reset", Message: "Simulated by tap replay --upstream-error-at."));
        clock += Tick;
        var how = SignalDispatcher.Apply(state, ObservedSignal.End, clock) ?? Finalization.Ended;
        var decision = OutcomeEngine.Decide(state, how);
        var factory = new RecordFactory(Options.Create(storeOptions ?? new StoreOptions()), TimeProvider.System);
        return factory.Create(state, decision, new ClientIdentity { Process = "tap replay", Gateway = "replay" });
    }

    private static (string Kind, long At) FirstStop(ReplayOptions options, long length)
    {
        var stop = (Kind: ObservedSignal.UpstreamEnd, At: Math.Clamp(options.EofAt ?? length, 0, length));
        if (options.UpstreamErrorAt is { } error && Math.Clamp(error, 0, length) < stop.At)
        {
            stop = (ObservedSignal.UpstreamError, Math.Clamp(error, 0, length));
        }

        if (options.ClientAbortAt is { } abort && Math.Clamp(abort, 0, length) <= stop.At)
        {
            stop = (ObservedSignal.ClientAborted, Math.Clamp(abort, 0, length));
        }

        return stop;
    }

    /// <summary>The end offsets of the writes a provider would have made: each SSE event, or the whole body.</summary>
    private static List<long> Cuts(ReadOnlySpan<byte> transcript, bool streamed)
    {
        var cuts = new List<long>();
        if (streamed)
        {
            for (var i = 0; i < transcript.Length; i++)
            {
                if (transcript[i] == '\n' && i > 0 && (transcript[i - 1] == '\n' || (transcript[i - 1] == '\r' && i > 1 && transcript[i - 2] == '\n')))
                {
                    cuts.Add(i + 1);
                }
            }
        }

        cuts.Add(transcript.Length);
        return cuts;
    }

    private static string GuessContentType(ReadOnlySpan<byte> transcript) =>
        EventStreamLayout.StartsWithMessage(transcript) ? "application/vnd.amazon.eventstream"
        : transcript.TrimStart(" \t\r\n"u8) is [(byte)'{' or (byte)'[', ..] ? "application/json"
        : "text/event-stream";
}
