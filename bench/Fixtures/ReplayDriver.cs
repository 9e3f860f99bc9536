using Tap.Shim;

namespace Tap.Benchmarks.Fixtures;

/// <summary>
/// Replays fixtures through one <see cref="TapClient"/> with a fixed number of executions in flight, their
/// chunks interleaved round-robin as concurrent streams arrive. It never lets the shim drop a frame: it waits
/// while more than <see cref="MaxUnwrittenFrames"/> frames wait for the writer, and, when given an ack window, while
/// more ended executions than that are not yet recorded. The shim's own buffer also holds every written frame of an
/// unacknowledged execution, so callers that keep many executions open give the client a cap that holds them.
/// </summary>
internal sealed class ReplayDriver(TapClient client, IReadOnlyList<Fixture> fixtures)
{
    private const long MaxUnwrittenFrames = 16 * 1024;

    public long Frames { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Starts, streams and ends <paramref name="executions"/> executions.</summary>
    public async Task RunAsync(int executions, int concurrency, int? ackWindow, int firstIndex = 0)
    {
        var ackedBefore = client.Counters.ExecutionsAcknowledged;
        var active = new List<InFlight>(concurrency);
        var started = 0;
        var ended = 0;
        while (ended < executions)
        {
            while (active.Count < concurrency && started < executions)
            {
                var fixture = fixtures[(firstIndex + started) % fixtures.Count];
                active.Add(new InFlight(ExecutionReplay.Start(client, fixture, firstIndex + started), fixture));
                Frames += 2;
                started++;
            }

            for (var i = active.Count - 1; i >= 0; i--)
            {
                var stream = active[i];
                if (stream.Next < stream.Fixture.Events.Count)
                {
                    var data = stream.Fixture.Events[stream.Next++];
                    stream.Execution.Chunk(data);
                    Frames++;
                    Bytes += data.Length;
                    continue;
                }

                ExecutionReplay.Finish(stream.Execution);
                Frames += 2;
                ended++;
                active.RemoveAt(i);
            }

            var counters = client.Counters;
            while (Unwritten(counters) > MaxUnwrittenFrames
                || (ackWindow is { } window && ended - (counters.ExecutionsAcknowledged - ackedBefore) > window))
            {
                await Task.Delay(1);
                counters = client.Counters;
            }
        }
    }

    /// <summary>Starts executions and streams the first half of each, leaving them in flight.</summary>
    public async Task<List<TapExecution>> StartHalfAsync(int executions)
    {
        var open = new List<TapExecution>(executions);
        for (var i = 0; i < executions; i++)
        {
            var fixture = fixtures[i % fixtures.Count];
            var execution = ExecutionReplay.Start(client, fixture, i);
            foreach (var data in fixture.Events.Take(fixture.Events.Count / 2))
            {
                execution.Chunk(data);
            }

            open.Add(execution);
            while (Unwritten(client.Counters) > MaxUnwrittenFrames)
            {
                await Task.Delay(1);
            }
        }

        return open;
    }

    /// <summary>Waits until the sidecar has acknowledged <paramref name="count"/> executions of this client in all.</summary>
    public async Task WaitForAcksAsync(long count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (client.Counters.ExecutionsAcknowledged < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {client.Counters.ExecutionsAcknowledged} of {count} executions were acknowledged.");
            }

            await Task.Delay(1);
        }
    }

    private static long Unwritten(TapClientCounters counters) => counters.FramesQueued - counters.FramesWritten - counters.FramesDropped;

    private sealed class InFlight(TapExecution execution, Fixture fixture)
    {
        public TapExecution Execution { get; } = execution;

        public Fixture Fixture { get; } = fixture;

        public int Next { get; set; }
    }
}
