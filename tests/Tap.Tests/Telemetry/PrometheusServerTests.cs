using System.Text.Json;
using Tap.Protocol;
using Tap.Tests.Support;

namespace Tap.Tests.Telemetry;

/// <summary>
/// A real Prometheus scraping a real <c>tap serve</c> every second while the real shim reports executions: the counts
/// read back with PromQL over Prometheus's HTTP API are the database's (docs/telemetry.md, "Prometheus").
/// </summary>
public class PrometheusServerTests
{
    [Test]
    public async Task Prometheus_scraping_tap_serve_reads_back_the_recorded_counts_with_PromQL()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var database = folder.File("tap.db");
        var scrape = new Uri($"http://127.0.0.1:{TestEndpoints.FreeTcpPort()}/metrics");
        await using var tap = await TapServeProcess.StartAsync(pipe, database, settings: [$"--Tap:Telemetry:Prometheus:Endpoint={scrape.Authority}{scrape.AbsolutePath}"]);
        await using var prometheus = await PrometheusServer.StartAsync(scrape);
        await prometheus.WaitForValueAsync("up{job=\"tap\"}", 1);

        await using (var client = MetricsTraffic.Client(pipe))
        {
            MetricsTraffic.Completed(client, "p-1");
            MetricsTraffic.Completed(client, "p-2");
            MetricsTraffic.CompletedByUsage(client, "p-3");
            MetricsTraffic.Canceled(client, "p-4");
            MetricsTraffic.Failed(client, "p-5");
            MetricsTraffic.Failed(client, "p-6");
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 6, "the sidecar acknowledges the six executions");
        }

        await using (var shim = await RawShim.ConnectAsync(pipe, Guid.NewGuid(), gateway: "gw-loss"))
        {
            var report = Guid.NewGuid();
            await shim.SendAsync(RawShim.Loss(report, LossReasons.MemoryCap, [Guid.NewGuid(), Guid.NewGuid()]));
            await shim.WaitForAcksAsync([report]);
        }

        await prometheus.WaitForValueAsync("sum(tap_executions_total)", 6);
        await prometheus.WaitForValueAsync("sum(tap_shim_lost_executions_total{tap_loss_reason=\"memory_cap\",tap_gateway=\"gw-loss\"})", 2);
        await prometheus.WaitForValueAsync("sum(tap_executions_total{tap_status=\"completed\"})", 3);
        await prometheus.WaitForValueAsync("sum(tap_executions_total{tap_status=\"failed\",tap_reason=\"upstream_error\"})", 2);
        await prometheus.WaitForValueAsync("sum(tap_executions_total{tap_status=\"canceled\",tap_reason=\"client_aborted\",tap_gateway=\"metrics-gateway\",gen_ai_request_model=\"gpt-4o\"})", 1);
        await prometheus.WaitForValueAsync("sum(gen_ai_client_token_usage_sum{gen_ai_token_type=\"output\",tap_usage_source=\"final\"})", 3 * 17);
        await prometheus.WaitForValueAsync("sum(gen_ai_client_operation_duration_seconds_count)", 6);
        await prometheus.WaitForValueAsync("sum(tap_store_queue_depth)", 0);
        var median = await prometheus.QueryAsync("histogram_quantile(0.5, sum by (le) (gen_ai_client_operation_duration_seconds_bucket))");
        Assert.That(median, Is.GreaterThan(0), "a median duration");

        // Every query of the Grafana dashboard runs on this Prometheus and finds series, with its variables at "All".
        foreach (var query in DashboardQueries())
        {
            await prometheus.WaitForSeriesAsync(query);
        }

        // Read before the stop: once tap serve is gone its series go stale.
        var counted = await prometheus.QueryAsync("sum(tap_executions_total)");
        await tap.StopAsync();
        var recorded = await CliRunner.RunJsonAsync("list", "--json", "--db", database);
        Assert.That(recorded.GetArrayLength(), Is.EqualTo(counted), "Prometheus counts what the database holds");
    }

    private static IEnumerable<string> DashboardQueries()
    {
        var root = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Tap.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("The tests run outside the repository: docs/grafana is not there.");
        }

        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(root.FullName, "docs", "grafana", "tap-dashboard.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!
                .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
                .Replace("$gateway", ".*", StringComparison.Ordinal)
                .Replace("$instance", ".*", StringComparison.Ordinal))
            .ToList();
        Assert.That(queries, Has.Count.GreaterThanOrEqualTo(11));
        return queries;
    }
}
