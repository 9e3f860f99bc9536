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
            [typeof(ShimChunkBenchmarks), typeof(ShimDropBenchmarks), typeof(SseParserBenchmarks), typeof(AggregatorBenchmarks), typeof(OutcomeBenchmarks)],
            MicroConfig.Create(settings.QuickMicro)).Single();

        var shim = new MarkdownTable("chunk", "endpoint", "ns per chunk", "bytes allocated per chunk", "target ≤ 100 ns, no allocation beyond the pooled copy");
        var throughput = new MarkdownTable("code", "MB per operation", "ms per operation", "MB/s", "bytes allocated per byte parsed");
        var outcome = new MarkdownTable("code", "ns per decision", "bytes allocated per decision");
        foreach (var report in summary.Reports)
        {
            var (ns, allocated) = Measure(report);
            var benchmark = report.BenchmarkCase;
            switch (benchmark.Descriptor.WorkloadMethod.Name)
            {
                case nameof(ShimChunkBenchmarks.Chunk):
                    var bytes = (int)benchmark.Parameters["ChunkBytes"];
                    shim.Add($"{bytes:N0} B", "real pipe, server discards", ns, allocated, Units.Verdict(ns <= 100 && allocated == 0));
                    break;
                case nameof(ShimDropBenchmarks.ChunkWhileSidecarDown):
                    shim.Add("1,024 B", "sidecar down, buffer at its cap (dropped)", ns, allocated, "");
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
            $"The allocation is what the GC saw per chunk in the whole process, the client's writer included; the pooled copy itself allocates only when the array pool has no array of that size to hand back. Frames dropped while measuring the real pipe: {ShimChunkBenchmarks.DroppedFrames:N0}.").AppendLine();
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
