using System.Diagnostics;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;

namespace Tap.Benchmarks.Memory;

/// <summary>
/// What one execution costs the shim's process (CPU, allocations) and the sidecar (CPU), with a given number of
/// streams in flight at once, each against a fresh sidecar.
/// </summary>
internal static class ScaleCost
{
    public static async Task<Result> MeasureAsync(int concurrency, int executions, int warmUpExecutions)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            var pipe = Endpoints.UniquePipeName();
            await using var sidecar = await ChildProcess.StartAsync("sidecar", serverGc: false, "--pipe", pipe, "--db", Path.Combine(folder, "tap.db"));
            await using var client = await BenchClients.ConnectAsync(pipe);
            var driver = new ReplayDriver(client, FixtureSet.All);
            var warmUp = Math.Max(warmUpExecutions, concurrency);
            var window = Math.Max(1024, concurrency);
            await driver.RunAsync(warmUp, concurrency, window);
            await driver.WaitForAcksAsync(warmUp, TimeSpan.FromMinutes(1));

            using var self = Process.GetCurrentProcess();
            var shimCpu = self.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var sidecarCpu = sidecar.CpuTime;
            var clock = Stopwatch.StartNew();
            await driver.RunAsync(executions, concurrency, window, firstIndex: warmUp);
            await driver.WaitForAcksAsync(warmUp + executions, TimeSpan.FromMinutes(5));
            var elapsed = clock.Elapsed;
            self.Refresh();
            return new Result(
                concurrency,
                (self.TotalProcessorTime - shimCpu).TotalMicroseconds / executions,
                (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / executions,
                (sidecar.CpuTime - sidecarCpu).TotalMicroseconds / executions,
                executions / elapsed.TotalSeconds,
                sidecar.Memory.PeakWorkingSetBytes);
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    public sealed record Result(int Streams, double ShimCpuMicroseconds, double ShimAllocatedBytes, double SidecarCpuMicroseconds, double ExecutionsPerSecond, long SidecarPeakBytes);
}
