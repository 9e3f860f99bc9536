using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Tap.Protocol;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Telemetry;

/// <summary>
/// The scrape endpoint of a real sidecar host (Kestrel on 127.0.0.1, the pipe, LiteDB), fed by the real shim: the
/// names, labels and values each outcome gives, per docs/telemetry.md.
/// </summary>
public class PrometheusScrapeTests
{
    private static readonly (string, string)[] Chat =
    [
        ("gen_ai_operation_name", "chat"), ("gen_ai_provider_name", "openai"), ("gen_ai_request_model", MetricsTraffic.Model),
        ("tap_gateway", MetricsTraffic.Gateway),
    ];

    [Test]
    public async Task Scrape_counts_each_committed_execution_by_status_and_reason_with_the_conventions_labels()
    {
        var (sidecar, url) = await StartAsync();
        await using (sidecar)
        {
            using var http = new HttpClient();
            await using (var client = MetricsTraffic.Client(sidecar.PipeName))
            {
                MetricsTraffic.Completed(client, "m-1");
                MetricsTraffic.Completed(client, "m-2");
                MetricsTraffic.CompletedByUsage(client, "m-3");
                MetricsTraffic.Canceled(client, "m-4");
                MetricsTraffic.Failed(client, "m-5");
                await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 5, "the sidecar acknowledges the five executions");
            }

            var scrape = await ScrapeText.ReadWhenAsync(http, url, s => s.Sum("tap_executions_total") == 5);
            TestContext.Out.WriteLine(scrape.Text);
            Assert.Multiple(() =>
            {
                Assert.That(scrape.Sum("tap_executions_total", [.. Chat, ("tap_status", "completed"), ("tap_reason", "terminal_event")]), Is.EqualTo(2));
                Assert.That(scrape.Sum("tap_executions_total", [.. Chat, ("tap_status", "completed"), ("tap_reason", "final_usage_seen")]), Is.EqualTo(1));
                Assert.That(scrape.Sum("tap_executions_total", [.. Chat, ("tap_status", "canceled"), ("tap_reason", "client_aborted")]), Is.EqualTo(1));
                Assert.That(scrape.Sum("tap_executions_total", [.. Chat, ("tap_status", "failed"), ("tap_reason", "upstream_error")]), Is.EqualTo(1));
                Assert.That(scrape.Sum("tap_executions_total"), Is.EqualTo(sidecar.Records.Count()), "as many as the database holds");
                Assert.That(scrape.Sum("tap_executions_total", ("gen_ai_response_model", "gpt-4o-2024-08-06")), Is.EqualTo(5));

                Assert.That(scrape.Sum("gen_ai_client_operation_duration_seconds_count", [.. Chat]), Is.EqualTo(5));
                Assert.That(scrape.Sum("gen_ai_client_operation_duration_seconds_count", ("tap_status", "failed"), ("error_type", "upstream_error")), Is.EqualTo(1));
                Assert.That(scrape.LabelsOf("gen_ai_client_operation_duration_seconds_count").Where(l => l["tap_status"] == "completed").Select(l => l.ContainsKey("error_type")), Is.All.False);
                Assert.That(scrape.Sum("gen_ai_client_operation_duration_seconds_bucket", ("le", "+Inf")), Is.EqualTo(5));
                Assert.That(scrape.Sum("gen_ai_client_operation_time_to_first_chunk_seconds_count", [.. Chat]), Is.EqualTo(5));
                Assert.That(scrape.Sum("tap_client_operation_time_to_first_token_seconds_count", [.. Chat]), Is.EqualTo(5));

                // The transcript's usage: 24 input, 17 output tokens, in the three completed executions.
                Assert.That(scrape.Sum("gen_ai_client_token_usage_sum", [.. Chat, ("gen_ai_token_type", "input"), ("tap_usage_source", "final")]), Is.EqualTo(3 * 24));
                Assert.That(scrape.Sum("gen_ai_client_token_usage_sum", [.. Chat, ("gen_ai_token_type", "output"), ("tap_usage_source", "final")]), Is.EqualTo(3 * 17));
                Assert.That(scrape.Sum("gen_ai_client_token_usage_count", [.. Chat, ("gen_ai_token_type", "output"), ("tap_usage_source", "final")]), Is.EqualTo(3));
                Assert.That(scrape.Sum("tap_usage_tokens_total", [.. Chat, ("gen_ai_token_type", "output"), ("tap_usage_source", "final")]), Is.EqualTo(3 * 17));
                Assert.That(scrape.Sum("tap_usage_tokens_total", [.. Chat, ("gen_ai_token_type", "input"), ("tap_usage_source", "final")]), Is.EqualTo(3 * 24));
                Assert.That(scrape.Sum("tap_usage_tokens_total", ("gen_ai_token_type", "cache_read")), Is.Null, "no cached tokens: a zero count is not added");
                Assert.That(scrape.Sum("gen_ai_client_token_usage_count", ("gen_ai_token_type", "cache_read")), Is.Null, "the conventions' histogram has input and output only");

                Assert.That(scrape.Text, Does.Not.Contain("m-1"), "no request id is a label");
                Assert.That(scrape.Sum("tap_executions_replaced_total"), Is.Null);
            });
        }
    }

    [Test]
    public async Task Scrape_reports_the_sidecars_health_queue_commits_and_connections()
    {
        var (sidecar, url) = await StartAsync();
        await using (sidecar)
        {
            using var http = new HttpClient();
            await using var client = MetricsTraffic.Client(sidecar.PipeName);
            MetricsTraffic.Completed(client, "h-1");
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 1, "the execution is acknowledged");

            var scrape = await ScrapeText.ReadWhenAsync(http, url, s => s.Sum("tap_executions_total") == 1);
            Assert.Multiple(() =>
            {
                Assert.That(scrape.Sum("tap_store_queue_depth"), Is.Zero);
                Assert.That(scrape.Sum("tap_ingest_connections"), Is.EqualTo(1), "the shim's connection");
                Assert.That(scrape.Sum("tap_store_commit_duration_seconds_count"), Is.GreaterThanOrEqualTo(1));
                Assert.That(scrape.Sum("tap_store_write_failures_total"), Is.Zero);
            });
        }
    }

    [Test]
    public async Task Scrape_counts_the_executions_a_shim_reported_lost_once_per_report_and_not_the_recorded_ones()
    {
        var (sidecar, url) = await StartAsync();
        await using (sidecar)
        {
            using var http = new HttpClient();
            var (recorded, lostA, lostB, report) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            await using (var shim = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid(), gateway: "gw-loss"))
            {
                await shim.SendAsync(RawShim.Execution(recorded, "recorded"));
                await shim.WaitForAcksAsync([recorded]);
                await shim.SendAsync(RawShim.Loss(report, LossReasons.SpoolFull, [recorded, lostA, lostB], uncounted: 2));
                await shim.SendAsync(RawShim.Loss(report, LossReasons.SpoolFull, [recorded, lostA, lostB], uncounted: 2));
                await shim.WaitForAcksAsync([report]);
                await sidecar.Services.GetRequiredService<RecordWriter>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }

            var scrape = await ScrapeText.ReadAsync(http, url);
            Assert.That(scrape.Sum("tap_shim_lost_executions_total", ("tap_loss_reason", "spool_full"), ("tap_gateway", "gw-loss")), Is.EqualTo(4));
        }
    }

    [Test]
    public async Task Without_an_exporter_configured_no_meter_provider_runs()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        Assert.That(sidecar.Services.GetService<MeterProvider>(), Is.Null);
    }

    private static async Task<(SidecarProcess Sidecar, Uri Url)> StartAsync()
    {
        var port = TestEndpoints.FreeTcpPort();
        var sidecar = await SidecarProcess.StartAsync(settings: new Dictionary<string, string?> { ["Tap:Telemetry:Prometheus:Endpoint"] = $"127.0.0.1:{port}/metrics" });
        return (sidecar, new Uri($"http://127.0.0.1:{port}/metrics"));
    }
}
