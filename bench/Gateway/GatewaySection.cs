using System.Globalization;
using System.Text;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Reporting;

namespace Tap.Benchmarks.Gateway;

/// <summary>
/// The sample YARP gateway with the shim and without it (<c>--tap false</c>), both in front of the same local
/// provider, both running throughout, measured in alternating rounds (A/B/A/B) so that drift of the machine
/// falls on both sides alike. The real sidecar runs for the tapped side. A third gateway, whose shim writes to a
/// pipe that discards, takes its turn too: it tells the shim's cost from the sidecar's. Every host is its own process.
/// </summary>
internal static class GatewaySection
{
    /// <summary>Unpaced: the provider writes its events at once (the gateway is CPU-bound: the worst case). Paced: a pause per event, as a model streams tokens.</summary>
    private static readonly (string Name, int PaceMs)[] Modes = [("unpaced", 0), ("paced 10 ms/event", 10)];

    public static async Task<string> RunAsync(BenchSettings settings)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            var pipe = Endpoints.UniquePipeName();
            await using var sidecar = await ChildProcess.StartAsync("sidecar", serverGc: false, "--pipe", pipe, "--db", Path.Combine(folder, "tap.db"));
            await using var provider = await ChildProcess.StartAsync("provider", serverGc: true);
            await using var tapped = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", provider.ReadyPayload, "--tap", "true", "--pipe", pipe);
            await using var plain = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", provider.ReadyPayload, "--tap", "false", "--pipe", pipe);

            // A third gateway whose shim writes to a pipe that discards: the shim's own cost, without the sidecar's CPU on the same cores.
            var drainPipe = Endpoints.UniquePipeName();
            await using var drain = await ChildProcess.StartAsync("drain", serverGc: false, "--pipe", drainPipe);
            await using var shimOnly = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", provider.ReadyPayload, "--tap", "true", "--pipe", drainPipe);
            using var tappedClient = StreamingLoad.CreateClient(new Uri(tapped.ReadyPayload));
            using var plainClient = StreamingLoad.CreateClient(new Uri(plain.ReadyPayload));
            using var shimOnlyClient = StreamingLoad.CreateClient(new Uri(shimOnly.ReadyPayload));

            var table = new MarkdownTable(
                "provider", "streams", "side", "requests/s", "MB/s", "TTFB p50 ms", "TTFB p99 ms", "total p50 ms", "total p99 ms", "gateway CPU µs/req", "sidecar CPU µs/req", "errors");
            var ratios = new MarkdownTable(
                "provider", "streams", "throughput with/without", "p99 total with − without (ms)", "p99 TTFB with − without (ms)", "target ≥ 97% and ≤ 1 ms", "shim only: throughput with/without", "shim only: p99 total with − without (ms)");
            foreach (var (mode, paceMs) in Modes)
            {
                var tappedSide = new GatewaySide(new StreamingLoad(tappedClient, paceMs), tapped, sidecar);
                var plainSide = new GatewaySide(new StreamingLoad(plainClient, paceMs), plain, null);
                var shimOnlySide = new GatewaySide(new StreamingLoad(shimOnlyClient, paceMs), shimOnly, null);

                // Warm-up: JIT, connection pools, the sidecar's first records.
                await plainSide.RoundAsync(16, settings.GatewayWarmUp);
                await tappedSide.RoundAsync(16, settings.GatewayWarmUp);
                await shimOnlySide.RoundAsync(16, settings.GatewayWarmUp);
                foreach (var concurrency in BenchSettings.GatewayConcurrency)
                {
                    var with = new RoundResult();
                    var without = new RoundResult();
                    var shimOnlyResult = new RoundResult();
                    var order = new (GatewaySide Side, RoundResult Result)[] { (plainSide, without), (tappedSide, with), (shimOnlySide, shimOnlyResult) };
                    for (var round = 0; round < settings.GatewayRounds; round++)
                    {
                        // Rotate which side goes first, so that none always follows the same one.
                        for (var i = 0; i < order.Length; i++)
                        {
                            var (side, result) = order[(round + i) % order.Length];
                            result.Add(await side.RoundAsync(concurrency, settings.GatewayRoundDuration));
                        }
                    }

                    AddRow(table, mode, concurrency, "without tap", without);
                    AddRow(table, mode, concurrency, "with tap", with);
                    AddRow(table, mode, concurrency, "with tap, sidecar replaced by a discarding pipe (diagnostic)", shimOnlyResult);
                    var throughput = with.RequestsPerSecond / without.RequestsPerSecond;
                    var p99 = with.TotalMs.Percentile(99) - without.TotalMs.Percentile(99);
                    ratios.Add(mode, concurrency, $"{throughput:P1}", p99, with.FirstByteMs.Percentile(99) - without.FirstByteMs.Percentile(99), Units.Verdict(throughput >= 0.97 && p99 <= 1.0),
                        $"{shimOnlyResult.RequestsPerSecond / without.RequestsPerSecond:P1}", shimOnlyResult.TotalMs.Percentile(99) - without.TotalMs.Percentile(99));
                    Console.WriteLine($"  {mode}, {concurrency} streams: {with.RequestsPerSecond:0} vs {without.RequestsPerSecond:0} req/s ({throughput:P1}), p99 {p99:+0.00;-0.00} ms");
                }
            }

            var counters = await GatewaySide.CountersAsync(tapped);
            var recorded = await sidecar.AskAsync("recorded");
            var text = new StringBuilder();
            text.AppendLine(table.ToString()).AppendLine(ratios.ToString());
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Rounds of {settings.GatewayRoundDuration.TotalSeconds:0.##} s, {settings.GatewayRounds} per side per row, the order rotated each round; the sidecar is given time to record each tapped round before the next round starts, and its CPU until then is charged to that round. TTFB is the first body byte at the client. The tapped gateway's shim in all: {counters.ExecutionsStarted:N0} executions, {counters.FramesWritten:N0} frames written, {counters.FramesDropped:N0} frames dropped with {counters.ExecutionsDropped:N0} executions dropped whole (the shim's buffer was full while the sidecar pushed back), {counters.ExecutionsAcknowledged:N0} acknowledged; the sidecar's store writer recorded {recorded.Replace(" ", " executions and refused ", StringComparison.Ordinal)} (a record is refused only once the writer has stopped). Recorded can exceed acknowledged: an execution the shim evicts after sending it (in full, or in part and then closed by an End marked dropped) is still recorded, but its acknowledgement finds nothing left to release.");
            return text.ToString();
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    internal static void AddRow(MarkdownTable table, string mode, int concurrency, string side, RoundResult result) => table.Add(
        mode, concurrency, side, result.RequestsPerSecond, result.BytesPerSecond / 1e6,
        result.FirstByteMs.Percentile(50), result.FirstByteMs.Percentile(99),
        result.TotalMs.Percentile(50), result.TotalMs.Percentile(99),
        result.GatewayCpu.TotalMicroseconds / result.Requests,
        result.SidecarCpu == TimeSpan.Zero ? "" : result.SidecarCpu.TotalMicroseconds / result.Requests,
        result.Errors);
}
