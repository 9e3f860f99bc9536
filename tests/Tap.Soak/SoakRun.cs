using System.Diagnostics;
using System.Text.Json;
using Tap.Soak.Hosts;
using Tap.Soak.Load;
using Tap.Soak.Results;
using Tap.Soak.Scenarios;

namespace Tap.Soak;

/// <summary>
/// One soak run: the hosts start, the load runs while the scenario injects its faults, the harness waits until the
/// sidecar has stopped recording for a while, stops it, and compares what was served with what the database holds.
/// </summary>
internal static class SoakRun
{
    public static IScenario Scenario(string name) => name switch
    {
        "restarts" => new RestartsScenario(),
        "outage" => new OutageScenario(),
        "diskfull" => new DiskFullScenario(),
        "replays" => new ReplaysScenario(),
        _ => throw new ArgumentException($"unknown scenario '{name}'"),
    };

    public static async Task<SoakSummary> RunAsync(SoakOptions options)
    {
        using var folder = new SoakFolder(options.Keep);
        await using var scenario = Scenario(options.Scenario);
        await scenario.PrepareAsync(folder);
        var tap = options.TapPath ?? Binaries.Tap;
        var cli = new TapCli(tap);
        options.Log.WriteLine($"  run folder {folder.Path}, seed {options.Seed}, {options.Streams} streams for {options.Duration.TotalSeconds:0} s, tap {tap}");
        await using var hosts = await SoakHosts.StartAsync(options, folder, scenario.GatewayEndpoint(folder));

        var clock = Stopwatch.StartNew();
        var context = new FaultContext(hosts.Tap, options, clock);
        var load = new LoadClient(hosts.GatewayAddress, options, Guid.NewGuid().ToString("N")[..6]);
        async Task LoadAsync()
        {
            await load.RunAsync(options.Duration);
            context.Note($"load stopped: {load.Served.Count:N0} requests sent");
        }

        var loading = LoadAsync();
        await scenario.InjectAsync(context);
        await loading;

        var recorded = await SettleAsync(cli, folder, hosts.Tap, options);
        context.Note($"settled at {recorded:N0} records");
        await hosts.Tap.TerminateAsync();
        var records = await cli.ExportAsync(folder.Database, folder.Path);
        var stats = await cli.StatsAnswerAsync(null, folder.Database, folder.Path);
        await hosts.StopGatewayAsync();
        return SoakSummary.Compute(options.Scenario, context.Timeline, load.Served, records, stats);
    }

    /// <summary>
    /// Waits until the running sidecar has stayed idle (under a tenth of a core) for <see cref="SoakOptions.Settle"/>, twice,
    /// with the same record count after each quiet period. Idle first: a count alone also stands still while a cold
    /// sidecar commits its first backlog; and the CLI runs only twice, so it does not slow the sidecar it waits for.
    /// </summary>
    private static async Task<long> SettleAsync(TapCli cli, SoakFolder folder, TapServe tap, SoakOptions options)
    {
        var clock = Stopwatch.StartNew();
        long last = -1;
        while (clock.Elapsed < options.MaxSettle)
        {
            await WaitUntilIdleAsync(tap, options.Settle, clock, options.MaxSettle, Path.Combine(folder.Path, "settle.log"));
            var count = await cli.StatsAsync(folder.Socket, null, folder.Path) is { } stats && stats.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : -1;
            await File.AppendAllTextAsync(Path.Combine(folder.Path, "settle.log"), $"{DateTime.UtcNow:HH:mm:ss.fff} idle for {options.Settle.TotalSeconds:0} s, count {count}\n");
            if (count >= 0 && count == last)
            {
                return count;
            }

            last = count;
        }

        options.Log.WriteLine($"  no settled record count after {options.MaxSettle.TotalMinutes:0} min (tap stats did not answer, or the count kept moving); reading what is there");
        return last;
    }

    private static async Task WaitUntilIdleAsync(TapServe tap, TimeSpan quiet, Stopwatch clock, TimeSpan deadline, string log)
    {
        var idleSince = clock.Elapsed;
        while (clock.Elapsed - idleSince < quiet && clock.Elapsed < deadline)
        {
            var cpu = tap.CpuTime;
            var wall = clock.Elapsed;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var busy = (tap.CpuTime - cpu) / (clock.Elapsed - wall);
            await File.AppendAllTextAsync(log, $"{DateTime.UtcNow:HH:mm:ss.fff} sidecar CPU {busy:P0}\n");
            if (busy > 0.1)
            {
                idleSince = clock.Elapsed;
            }
        }
    }
}
