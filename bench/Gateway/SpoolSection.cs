using System.Globalization;
using System.Text;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Reporting;

namespace Tap.Benchmarks.Gateway;

/// <summary>
/// What the shim's disk spool costs the gateway (issue 11): the sample gateway without the shim, twice (the second
/// one measures the noise between two identical gateways), and with the shim in three states: the default
/// <c>Overflow</c> mode with its sidecar up (the spool idle), <c>Mode=Always</c> with its sidecar up (every frame
/// written to the spool before it is sent), and <c>Overflow</c> with nobody on the endpoint, so that every frame goes
/// to the spool. Rounds interleave as in <see cref="GatewaySection"/>; each tapped gateway has a sidecar of its own.
/// </summary>
internal static class SpoolSection
{
    private static readonly (string Name, int PaceMs)[] Modes = [("unpaced", 0), ("paced 10 ms/event", 10)];

    private static readonly int[] Concurrency = [16, 128];

    // Room for every frame of the rounds with the sidecar away: a dropped execution would measure dropping.
    private const long AwaySpoolBytes = 16L * 1024 * 1024 * 1024;

    // Over its memory cap the shim moves the oldest executions to the spool: a small cap keeps it spilling.
    private const int AwayMemoryBytes = 2 * 1024 * 1024;

    public static async Task<string> RunAsync(BenchSettings settings)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            await using var provider = await ChildProcess.StartAsync("provider", serverGc: true);
            var upstream = provider.ReadyPayload;
            var overflowPipe = Endpoints.UniquePipeName();
            var alwaysPipe = Endpoints.UniquePipeName();
            await using var overflowSidecar = await ChildProcess.StartAsync("sidecar", serverGc: false, "--pipe", overflowPipe, "--db", Path.Combine(folder, "overflow.db"));
            await using var alwaysSidecar = await ChildProcess.StartAsync("sidecar", serverGc: false, "--pipe", alwaysPipe, "--db", Path.Combine(folder, "always.db"));
            await using var plain = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", upstream, "--tap", "false", "--pipe", overflowPipe);
            await using var plainAgain = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", upstream, "--tap", "false", "--pipe", overflowPipe);
            await using var overflow = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", upstream, "--tap", "true", "--pipe", overflowPipe,
                "--spool-path", Path.Combine(folder, "spool-overflow"));
            await using var always = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", upstream, "--tap", "true", "--pipe", alwaysPipe,
                "--spool-mode", "Always", "--spool-path", Path.Combine(folder, "spool-always"));
            await using var away = await ChildProcess.StartAsync("gateway", serverGc: true, "--upstream", upstream, "--tap", "true", "--pipe", Endpoints.UniquePipeName(),
                "--sidecar", "away", "--spool-path", Path.Combine(folder, "spool-away"), "--spool-max-bytes", AwaySpoolBytes.ToString(CultureInfo.InvariantCulture),
                "--max-buffered-bytes", AwayMemoryBytes.ToString(CultureInfo.InvariantCulture));

            var gateways = new (string Name, ChildProcess Gateway, ChildProcess? Sidecar)[]
            {
                ("without tap", plain, null),
                ("without tap, a second gateway (the noise)", plainAgain, null),
                ("with tap, spool Overflow (default), sidecar up", overflow, overflowSidecar),
                ("with tap, spool Always, sidecar up", always, alwaysSidecar),
                ("with tap, sidecar away: spilling to the spool (2 MiB memory cap)", away, null),
            };
            var clients = gateways.Select(g => StreamingLoad.CreateClient(new Uri(g.Gateway.ReadyPayload))).ToArray();
            try
            {
                var table = new MarkdownTable(
                    "provider", "streams", "side", "requests/s", "MB/s", "TTFB p50 ms", "TTFB p99 ms", "total p50 ms", "total p99 ms", "gateway CPU µs/req", "sidecar CPU µs/req", "errors");
                var ratios = new MarkdownTable(
                    "provider", "streams", "side", "throughput / without tap", "p99 total − without tap (ms)", "gateway CPU µs/req − without tap");
                foreach (var (mode, paceMs) in Modes)
                {
                    var sides = gateways.Select((g, i) => new GatewaySide(new StreamingLoad(clients[i], paceMs), g.Gateway, g.Sidecar)).ToArray();
                    foreach (var side in sides)
                    {
                        await side.RoundAsync(16, settings.GatewayWarmUp);
                    }

                    foreach (var concurrency in Concurrency)
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
                        for (var i = 0; i < sides.Length; i++)
                        {
                            GatewaySection.AddRow(table, mode, concurrency, gateways[i].Name, results[i]);
                            if (i > 0)
                            {
                                ratios.Add(mode, concurrency, gateways[i].Name, $"{results[i].RequestsPerSecond / baseline.RequestsPerSecond:P1}",
                                    results[i].TotalMs.Percentile(99) - baseline.TotalMs.Percentile(99),
                                    (results[i].GatewayCpu.TotalMicroseconds / results[i].Requests) - (baseline.GatewayCpu.TotalMicroseconds / baseline.Requests));
                            }
                        }

                        Console.WriteLine($"  {mode}, {concurrency} streams: {string.Join(", ", results.Select(r => r.RequestsPerSecond.ToString("0", CultureInfo.InvariantCulture)))} req/s");
                    }
                }

                var text = new StringBuilder().AppendLine(table.ToString()).AppendLine(ratios.ToString());
                foreach (var (name, gateway, _) in gateways.Skip(2))
                {
                    var c = await GatewaySide.CountersAsync(gateway);
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"- {name}: {c.ExecutionsStarted:N0} executions, {c.FramesSpilled:N0} frames written to the spool, {c.SpoolBytes:N0} bytes in the spool at the end, {c.FramesDropped:N0} frames and {c.ExecutionsDropped:N0} executions dropped, {c.ExecutionsAcknowledged:N0} acknowledged.");
                }

                text.AppendLine(CultureInfo.InvariantCulture,
                    $"Rounds of {settings.GatewayRoundDuration.TotalSeconds:0.##} s, {settings.GatewayRounds} per side per row, the order rotated each round; a tapped side with its sidecar up waits until its sidecar has recorded the round, and that sidecar's CPU until then is charged to it. The two gateways without the shim are the same program: the difference between them is the noise of this machine.");
                return text.ToString();
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }
            }
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }
}
