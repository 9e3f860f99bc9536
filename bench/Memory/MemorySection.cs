using System.Globalization;
using System.Text;
using System.Text.Json;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Reporting;

namespace Tap.Benchmarks.Memory;

/// <summary>Memory and scale: the sidecar with many executions in flight, the shim at its cap with the sidecar down, and the cost of one execution as streams grow.</summary>
internal static class MemorySection
{
    public static async Task<string> RunAsync(BenchSettings settings)
    {
        var text = new StringBuilder();

        var (before, after) = await InFlightMemory.MeasureAsync(settings.InFlightExecutions);
        var inFlight = new MarkdownTable("executions in flight", "sidecar working set before (MiB)", "after (MiB)", "peak (MiB)", "KiB per execution in flight");
        inFlight.Add(settings.InFlightExecutions, Units.MiB(before.WorkingSetBytes), Units.MiB(after.WorkingSetBytes), Units.MiB(after.PeakWorkingSetBytes),
            (after.WorkingSetBytes - before.WorkingSetBytes) / 1024.0 / settings.InFlightExecutions);
        text.AppendLine("### Sidecar with executions in flight").AppendLine().AppendLine(inFlight.ToString());
        Console.WriteLine($"  in flight: {Units.MiB(after.PeakWorkingSetBytes):0} MiB peak");

        var cap = new MarkdownTable("chunks", "cap MaxBufferedBytes (MiB)", "buffered, as the shim counts (MiB)", "managed heap held (MiB)", "working set growth (MiB)", "peak working set (MiB)", "frames dropped", "executions dropped whole / started");
        foreach (var (name, chunk) in new[] { ("fixture SSE events (25-1,500 B)", 0), ("1 KiB", 1024) })
        {
            await using var role = await ChildProcess.StartAsync("shim-cap", serverGc: false, "--chunk", chunk.ToString(CultureInfo.InvariantCulture));
            var r = JsonSerializer.Deserialize<ShimCapResult>(role.ReadyPayload)!;
            cap.Add(name, Units.MiB(r.CapBytes), Units.MiB(r.BufferedBytes), Units.MiB(r.ManagedHeapGrowthBytes), Units.MiB(r.WorkingSetGrowthBytes), Units.MiB(r.PeakWorkingSetBytes), r.FramesDropped, $"{r.ExecutionsDropped:N0} / {r.ExecutionsStarted:N0}");
        }

        text.AppendLine("### Shim with the sidecar down, at its cap").AppendLine().AppendLine(cap.ToString());
        text.AppendLine("100 streams at a time, a new execution started whenever one ends, until twice the cap had been offered after the first drop; measured in a process of its own (heap after a full GC).").AppendLine();

        // Rows in a rotated order per repetition, medians by sidecar CPU: a single short row moved by ±20% between runs,
        // as much as the target it is read against.
        var runs = BenchSettings.ScaleConcurrency.ToDictionary(streams => streams, _ => new List<ScaleCost.Result>());
        for (var repetition = 0; repetition < settings.IngestRepetitions; repetition++)
        {
            var order = BenchSettings.ScaleConcurrency.Skip(repetition % BenchSettings.ScaleConcurrency.Count).Concat(BenchSettings.ScaleConcurrency.Take(repetition % BenchSettings.ScaleConcurrency.Count));
            foreach (var streams in order)
            {
                var r = await ScaleCost.MeasureAsync(streams, settings.ScaleExecutions, settings.WarmUpExecutions);
                runs[streams].Add(r);
                Console.WriteLine($"  {streams} streams: shim {r.ShimCpuMicroseconds:0} µs, sidecar {r.SidecarCpuMicroseconds:0} µs per execution");
            }
        }

        var scale = new MarkdownTable("streams in flight", "shim process CPU µs/execution", "shim process bytes allocated/execution", "sidecar CPU µs/execution", "sidecar CPU, each repetition", "sidecar against 1 stream", "executions/s", "sidecar peak working set (MiB)");
        var single = Median(runs[BenchSettings.ScaleConcurrency[0]]).SidecarCpuMicroseconds;
        foreach (var streams in BenchSettings.ScaleConcurrency)
        {
            var r = Median(runs[streams]);
            scale.Add(r.Streams, r.ShimCpuMicroseconds, r.ShimAllocatedBytes, r.SidecarCpuMicroseconds,
                string.Join(" / ", runs[streams].Select(run => run.SidecarCpuMicroseconds.ToString("0", CultureInfo.InvariantCulture))),
                $"{r.SidecarCpuMicroseconds / single * 100:0.#} %", r.ExecutionsPerSecond, Units.MiB(r.SidecarPeakBytes));
        }

        text.AppendLine("### Cost per execution as streams grow").AppendLine().AppendLine(scale.ToString());
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{settings.ScaleExecutions:N0} executions per row cycling through all fixtures, one shim, a fresh sidecar per row, after a warm-up; the row of median sidecar CPU of {settings.IngestRepetitions} repetitions, the rows' order rotated each time (issue 16's target: within 20% from 1 to 1,000 streams). CPU is user + kernel time of each process, the shim's including its writer and the replay loop.");
        return text.ToString();
    }

    private static ScaleCost.Result Median(List<ScaleCost.Result> runs) => runs.OrderBy(r => r.SidecarCpuMicroseconds).ElementAt(runs.Count / 2);
}
