using System.Text;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Reporting;

namespace Tap.Benchmarks.Micro;

/// <summary>BenchmarkDotNet over the hot paths: the shim's chunk, the SSE parser, each aggregator, the outcome decision.</summary>
internal static class MicroSection
{
    public static string Run(BenchSettings settings)
    {
        var summary = BenchmarkRunner.Run(
            [typeof(ShimChunkBenchmarks), typeof(ShimChunkPartsBenchmarks), typeof(ShimDropBenchmarks), typeof(SseParserBenchmarks), typeof(AggregatorBenchmarks), typeof(OutcomeBenchmarks)],
            MicroConfig.Create(settings.QuickMicro)).Single();

        var shim = new MarkdownTable("chunk", "burst (chunks between writer catch-ups)", "endpoint", "ns per chunk", "bytes allocated per chunk", "target ≤ 100 ns, no allocation beyond the pooled copy");
        var throughput = new MarkdownTable("code", "MB per operation", "ms per operation", "MB/s", "bytes allocated per byte parsed");
        var outcome = new MarkdownTable("code", "ns per decision", "bytes allocated per decision");
        var parts = new MarkdownTable("step of a 64 B Chunk, alone on one thread", "ns", "bytes allocated");
        foreach (var report in summary.Reports)
        {
            var (ns, allocated) = Measure(report);
            var benchmark = report.BenchmarkCase;
            switch (benchmark.Descriptor.WorkloadMethod.Name)
            {
                case nameof(ShimChunkBenchmarks.Chunk):
                    // One operation is a burst of chunks: the figures per chunk are per operation over the burst.
                    var bytes = (int)benchmark.Parameters[nameof(ShimChunkBenchmarks.ChunkBytes)];
                    var burst = (int)benchmark.Parameters[nameof(ShimChunkBenchmarks.Burst)];
                    shim.Add($"{bytes:N0} B", burst, "real pipe, server discards", ns / burst, (double)allocated / burst, Units.Verdict(ns / burst <= 100 && allocated == 0));
                    break;
                case nameof(ShimDropBenchmarks.ChunkWhileSidecarDown):
                    shim.Add("1,024 B", "", "sidecar down, buffer at its cap (dropped)", ns, allocated, "");
                    break;
                case var step when benchmark.Descriptor.Type == typeof(ShimChunkPartsBenchmarks):
                    parts.Add(step, ns, allocated);
                    break;
                case nameof(SseParserBenchmarks.Parse):
                    AddThroughput(throughput, "SSE parser, all formats' fixtures", SseParserBenchmarks.BytesPerOperation, ns, allocated);
                    break;
                case nameof(AggregatorBenchmarks.Aggregate):
                    var format = (string)benchmark.Parameters["Format"];
                    AddThroughput(throughput, $"{format} aggregator (parse + aggregate)", AggregatorBenchmarks.BytesPerOperation(format), ns, allocated);
                    break;
                case nameof(OutcomeBenchmarks.Decide):
                    outcome.Add($"OutcomeEngine.Decide, {OutcomeBenchmarks.StatesPerOperation} end states", ns, allocated);
                    break;
            }
        }

        var text = new StringBuilder();
        text.AppendLine(shim.ToString());
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
            $"A burst is that many Chunk calls back to back, then a pause until the writer has caught up: 64 is a busy gateway, 4,096 a flood the writer cannot keep up with. (A burst of 1 was tried: one call of about 0.3 µs per iteration is below what BenchmarkDotNet times reliably; it read 5-10 µs whatever the writer did.) The allocation is what the GC saw per chunk in the whole process, the client's writer included; the pooled copy allocates when the array pool has no array of that size to hand back, which happens once more frames wait than the pool keeps. Frames dropped while measuring the real pipe: {ShimChunkBenchmarks.DroppedFrames:N0}.").AppendLine();
        text.AppendLine(parts.ToString());
        text.AppendLine(throughput.ToString());
        text.AppendLine(outcome.ToString());
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"Fixtures: {FixtureSet.All.Count} .sse transcripts from tests/Tap.Tests/Fixtures, repeated to {Units.MiB(RepeatedStreams.TargetBytes):0} MiB per operation, fed one SSE event per call.");
        return text.ToString();
    }

    private static (double Ns, long Allocated) Measure(BenchmarkReport report) =>
        (report.ResultStatistics?.Mean ?? double.NaN, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1);

    private static void AddThroughput(MarkdownTable table, string name, long bytes, double ns, long allocated) =>
        table.Add(name, bytes / 1e6, ns / 1e6, bytes / 1e6 / (ns / 1e9), (double)allocated / bytes);
}
