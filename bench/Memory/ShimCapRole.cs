using System.Globalization;
using System.Text.Json;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Shim;

namespace Tap.Benchmarks.Memory;

/// <summary>
/// A gateway's shim while the sidecar is down, in a process of its own so its memory is its own: 100 streams
/// at a time, each new execution started as the last one ends, until the buffer has been full for twice its
/// cap's worth of offered bytes. The answer (the ready payload) is a <see cref="ShimCapResult"/> as JSON.
/// </summary>
internal sealed class ShimCapRole(string result) : IRole
{
    private const int Streams = 100;

    public string ReadyPayload => result;

    /// <param name="args"><c>--chunk BYTES</c>: every chunk that size; 0 for the fixtures' own SSE events.</param>
    public static async Task<ShimCapRole> StartAsync(RoleArgs args)
    {
        var chunkBytes = int.Parse(args["chunk"], CultureInfo.InvariantCulture);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var before = ProcessMemory.Self();
        var options = new TapClientOptions { Endpoint = Endpoints.UniquePipeName(), Spool = { Mode = TapSpoolMode.Off } };
        await using var client = new TapClient(options);
        var fixtures = FixtureSet.All;
        var fixed_ = new byte[chunkBytes];
        var slots = new (TapExecution Execution, Fixture Fixture, int Next)[Streams];
        var started = 0;
        for (var i = 0; i < Streams; i++)
        {
            slots[i] = (ExecutionReplay.Start(client, fixtures[started % fixtures.Count], started), fixtures[started % fixtures.Count], 0);
            started++;
        }

        long offered = 0;
        var stopAt = long.MaxValue;
        while (offered < stopAt)
        {
            for (var i = 0; i < Streams; i++)
            {
                var (execution, fixture, next) = slots[i];
                if (next == fixture.Events.Count)
                {
                    ExecutionReplay.Finish(execution);
                    var nextFixture = fixtures[started % fixtures.Count];
                    slots[i] = (ExecutionReplay.Start(client, nextFixture, started), nextFixture, 0);
                    started++;
                    continue;
                }

                var data = chunkBytes > 0 ? fixed_ : fixture.Events[next];
                execution.Chunk(data);
                offered += data.Length;
                slots[i] = (execution, fixture, next + 1);
            }

            if (stopAt == long.MaxValue && client.Counters.FramesDropped > 0)
            {
                stopAt = offered + (2 * options.MaxBufferedBytes);
            }
        }

        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var after = ProcessMemory.Self();
        var counters = client.Counters;
        var measured = new ShimCapResult(options.MaxBufferedBytes, counters.BufferedBytes, heapAfter - heapBefore,
            after.WorkingSetBytes - before.WorkingSetBytes, after.PeakWorkingSetBytes, counters.FramesDropped, counters.ExecutionsDropped, started);
        return new ShimCapRole(JsonSerializer.Serialize(measured));
    }

    public Task<string> AnswerAsync(string command) => Task.FromResult("unknown command");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>What the shim held at its cap.</summary>
internal sealed record ShimCapResult(
    long CapBytes,
    long BufferedBytes,
    long ManagedHeapGrowthBytes,
    long WorkingSetGrowthBytes,
    long PeakWorkingSetBytes,
    long FramesDropped,
    long ExecutionsDropped,
    long ExecutionsStarted);
