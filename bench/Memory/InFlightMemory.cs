using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;

namespace Tap.Benchmarks.Memory;

/// <summary>
/// The sidecar's memory with many executions started and not ended: each has sent Start, Response and the
/// first half of a fixture's events, so its state, parser and aggregator are all live.
/// </summary>
internal static class InFlightMemory
{
    public static async Task<(ProcessMemory Before, ProcessMemory After)> MeasureAsync(int executions)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            var pipe = Endpoints.UniquePipeName();
            await using var sidecar = await ChildProcess.StartAsync("sidecar", serverGc: false, "--pipe", pipe, "--db", Path.Combine(folder, "tap.db"));
            // The shim holds every frame of an unacknowledged execution: room for all of them, so none is evicted.
            await using var client = await BenchClients.ConnectAsync(pipe, maxBufferedBytes: 1024L * 1024 * 1024);
            var driver = new ReplayDriver(client, FixtureSet.All);

            // Warm-up: JIT and the store's first pages, so the growth below is the executions' own.
            const int warmUp = 200;
            await driver.RunAsync(warmUp, 16, ackWindow: 1024);
            await driver.WaitForAcksAsync(warmUp, TimeSpan.FromMinutes(1));
            var before = sidecar.Memory;

            await driver.StartHalfAsync(executions);

            // Frames of one connection are handled in order: once a later execution is recorded, all the earlier frames were read.
            await driver.RunAsync(1, 1, ackWindow: null, firstIndex: warmUp);
            await driver.WaitForAcksAsync(warmUp + 1, TimeSpan.FromMinutes(1));
            var after = sidecar.Memory;

            // Stopping gracefully would finalize and store every execution left in flight, which is not what is measured.
            sidecar.Kill();
            return (before, after);
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }
}
