using System.Globalization;
using System.Text.Json;
using Tap.Benchmarks.Hosts;
using Tap.Shim;

namespace Tap.Benchmarks.Gateway;

/// <summary>One gateway under load, and the sidecar behind it when it is tapped.</summary>
internal sealed class GatewaySide(StreamingLoad load, ChildProcess gateway, ChildProcess? sidecar)
{
    public static async Task<TapClientCounters> CountersAsync(ChildProcess gateway) =>
        JsonSerializer.Deserialize<TapClientCounters>(await gateway.AskAsync("counters")) ?? new();

    private static async Task<(long Allocated, long PausedMicroseconds)> GcAsync(ChildProcess gateway)
    {
        var answer = (await gateway.AskAsync("gc")).Split(' ');
        return (long.Parse(answer[0], CultureInfo.InvariantCulture), long.Parse(answer[1], CultureInfo.InvariantCulture));
    }

    public async Task<RoundResult> RoundAsync(int concurrency, TimeSpan duration)
    {
        var (allocated, paused) = await GcAsync(gateway);
        var gatewayCpu = gateway.CpuTime;
        var sidecarCpu = sidecar?.CpuTime ?? TimeSpan.Zero;
        var result = await load.RunAsync(concurrency, duration);
        result.GatewayCpu = gateway.CpuTime - gatewayCpu;
        var (allocatedAfter, pausedAfter) = await GcAsync(gateway);
        result.GatewayAllocatedBytes = allocatedAfter - allocated;
        result.GatewayGcPause = TimeSpan.FromMicroseconds(pausedAfter - paused);
        if (sidecar is not null)
        {
            await WaitUntilRecordedAsync();
            result.SidecarCpu = sidecar.CpuTime - sidecarCpu;
        }

        return result;
    }

    /// <summary>Until the sidecar has recorded (or dropped) every execution the shim sent, so its backlog never runs into the other side's round.</summary>
    private async Task WaitUntilRecordedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var counters = await CountersAsync(gateway);
            var answer = (await sidecar!.AskAsync("recorded")).Split(' ');
            var done = long.Parse(answer[0], CultureInfo.InvariantCulture) + long.Parse(answer[1], CultureInfo.InvariantCulture);
            if (done >= counters.ExecutionsStarted - counters.ExecutionsDropped)
            {
                return;
            }

            await Task.Delay(20);
        }
    }
}
