using System.Globalization;
using System.Text;
using BenchmarkDotNet.Running;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Gateway;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Micro;
using Tap.Benchmarks.Reporting;

namespace Tap.Benchmarks.Shim;

/// <summary>
/// The shim's own cost and nothing else (issue 16): the sample gateway without the shim, twice (the second measures
/// the noise between two identical gateways), and with the shim writing to the discarding, acknowledging server, so no
/// sidecar shares the cores; unpaced, so the gateway is CPU-bound. Then the chunk benchmark on a real pipe. Quicker
/// than <c>gateway</c> and <c>micro</c>, which it repeats in part, so that each change to the shim can be measured.
/// </summary>
internal static class ShimSection
{
    /// <summary>The gateways, then the benchmarks.</summary>
    public static async Task<string> RunAsync(BenchSettings settings) => await GatewaysAsync(settings) + Micro(settings);

    /// <summary>The chunk and execution benchmarks only (<c>--only shim-micro</c>): a few minutes.</summary>
    public static string Micro(BenchSettings settings)
    {
        var summary = BenchmarkRunner.Run<ShimChunkBenchmarks>(MicroConfig.Create(settings.QuickMicro));
        var chunks = new MarkdownTable("chunk", "burst", "ns per chunk", "bytes allocated per chunk", "target ≤ 100 ns, no allocation");
        foreach (var report in summary.Reports)
        {
            var benchmark = report.BenchmarkCase;
            var bytes = (int)benchmark.Parameters[nameof(ShimChunkBenchmarks.ChunkBytes)];
            var burst = (int)benchmark.Parameters[nameof(ShimChunkBenchmarks.Burst)];
            var ns = (report.ResultStatistics?.Mean ?? double.NaN) / burst;
            var allocated = (double)(report.GcStats.GetBytesAllocatedPerOperation(benchmark) ?? -1) / burst;
            chunks.Add($"{bytes:N0} B", burst, ns, allocated, Units.Verdict(ns <= 100 && allocated < 1));
        }

        var perExecution = BenchmarkRunner.Run<ShimExecutionBenchmarks>(MicroConfig.Create(settings.QuickMicro)).Reports.Single();
        var executions = new MarkdownTable("one execution: Start, Response, one chunk, UpstreamEnd, End", "ns per execution (median)", "ns per execution (mean)", "bytes allocated per execution");
        executions.Add($"openai-chat text.sse, body of {FixtureSet.Text("openai-chat").Bytes.Length:N0} B in one chunk",
            (perExecution.ResultStatistics?.Median ?? double.NaN) / ShimExecutionBenchmarks.Burst,
            (perExecution.ResultStatistics?.Mean ?? double.NaN) / ShimExecutionBenchmarks.Burst,
            (double)(perExecution.GcStats.GetBytesAllocatedPerOperation(perExecution.BenchmarkCase) ?? -1) / ShimExecutionBenchmarks.Burst);

        return new StringBuilder().AppendLine(chunks.ToString()).AppendLine(CultureInfo.InvariantCulture,
            $"ShimChunkBenchmarks (as in micro). Allocation is per chunk over the whole process, the writer included. Frames dropped: {ShimChunkBenchmarks.DroppedFrames:N0}.").AppendLine()
            .AppendLine(executions.ToString()).AppendLine("ShimExecutionBenchmarks: the proxy thread's side of one execution, in bursts of 64 on a real pipe; the median resists the preemptions of a loaded machine.").ToString();
    }

    /// <summary>The gateways only (<c>--only shim-gateways</c>): about 3 minutes.</summary>
    public static async Task<string> GatewaysAsync(BenchSettings settings)
    {
        await using var provider = await ChildProcess.StartAsync("provider", serverGc: true);
        var upstream = provider.ReadyPayload;
        var pipe = Endpoints.UniquePipeName();
        await using var drain = await ChildProcess.StartAsync("drain", serverGc: false, "--pipe", pipe);
        await using var plain = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", upstream, "--tap", "false", "--pipe", pipe);
        await using var plainAgain = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", upstream, "--tap", "false", "--pipe", pipe);
        await using var shim = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", upstream, "--tap", "true", "--pipe", pipe);
        var gateways = new (string Name, ChildProcess Gateway)[]
        {
            ("without tap", plain),
            ("without tap, a second gateway (the noise)", plainAgain),
            ("with tap, writing to the discarding server", shim),
        };
        var clients = gateways.Select(g => StreamingLoad.CreateClient(new Uri(g.Gateway.ReadyPayload))).ToArray();
        try
        {
            var table = new MarkdownTable("streams", "side", "requests/s", "total p50 ms", "total p99 ms", "gateway CPU µs/req", "gateway bytes allocated/req", "gateway GC pause µs/req", "errors");
            var ratios = new MarkdownTable("streams", "side", "throughput / without tap", "target ≥ 95%", "gateway CPU µs/req − without tap", "target ≤ 5 µs", "bytes allocated/req − without tap");
            var sides = gateways.Select((g, i) => new GatewaySide(new StreamingLoad(clients[i], 0), g.Gateway, null)).ToArray();
            // Each side at each concurrency before anything is measured: the tapped gateway has more code to tier up
            // (its perf map still grew by a tenth in the first rounds when it was warmed at 16 streams only).
            foreach (var side in sides)
            {
                foreach (var concurrency in BenchSettings.GatewayConcurrency)
                {
                    await side.RoundAsync(concurrency, settings.GatewayWarmUp);
                }
            }

            foreach (var concurrency in BenchSettings.GatewayConcurrency)
            {
                var results = sides.Select(_ => new RoundResult()).ToArray();
                for (var round = 0; round < settings.GatewayRounds; round++)
                {
                    for (var i = 0; i < sides.Length; i++)
                    {
                        var index = (round + i) % sides.Length;
                        results[index].Add(await sides[index].RoundAsync(concurrency, settings.GatewayRoundDuration));
                    }
                }

                var baseline = results[0];
                var baselineCpu = baseline.GatewayCpu.TotalMicroseconds / baseline.Requests;
                var baselineAllocated = (double)baseline.GatewayAllocatedBytes / baseline.Requests;
                for (var i = 0; i < sides.Length; i++)
                {
                    var cpu = results[i].GatewayCpu.TotalMicroseconds / results[i].Requests;
                    var allocated = (double)results[i].GatewayAllocatedBytes / results[i].Requests;
                    table.Add(concurrency, gateways[i].Name, results[i].RequestsPerSecond, results[i].TotalMs.Percentile(50), results[i].TotalMs.Percentile(99), cpu, allocated, results[i].GatewayGcPause.TotalMicroseconds / results[i].Requests, results[i].Errors);
                    if (i > 0)
                    {
                        var throughput = results[i].RequestsPerSecond / baseline.RequestsPerSecond;
                        var tapped = i == sides.Length - 1;
                        ratios.Add(concurrency, gateways[i].Name, $"{throughput:P1}", tapped ? Units.Verdict(throughput >= 0.95) : "",
                            cpu - baselineCpu, tapped ? Units.Verdict(cpu - baselineCpu <= 5) : "", allocated - baselineAllocated);
                    }
                }

                Console.WriteLine($"  unpaced, {concurrency} streams: {string.Join(", ", results.Select(r => r.RequestsPerSecond.ToString("0", CultureInfo.InvariantCulture)))} req/s");
            }

            var counters = await GatewaySide.CountersAsync(shim);
            return new StringBuilder().AppendLine(table.ToString()).AppendLine(ratios.ToString()).AppendLine(CultureInfo.InvariantCulture,
                $"Unpaced provider, rounds of {settings.GatewayRoundDuration.TotalSeconds:0.##} s, {settings.GatewayRounds} per side per row, the order rotated each round. The tapped gateway's shim: {counters.ExecutionsStarted:N0} executions, {counters.FramesWritten:N0} frames written, {counters.FramesDropped:N0} dropped, {counters.FramesSpilled:N0} written to the spool (over its memory cap), {counters.ExecutionsAcknowledged:N0} acknowledged.").ToString();
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
