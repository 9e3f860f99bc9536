using Tap.Tests.Support;

namespace Tap.Tests.Telemetry;

/// <summary>
/// OTLP metric export, configured by the standard variables or by <c>Tap:Telemetry:Otlp</c> alone (resolved as for the
/// spans), reaches a real
/// HTTP receiver (Kestrel on 127.0.0.1) as OTLP/HTTP protobuf on <c>/v1/metrics</c>, carrying Tap's instruments.
/// </summary>
public class OtlpMetricsExportTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task Otlp_http_export_posts_the_meters_instruments_to_v1_metrics(bool tapKey)
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        var settings = new Dictionary<string, string?>
        {
            [tapKey ? "Tap:Telemetry:Otlp:Protocol" : "OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            [tapKey ? "Tap:Telemetry:Otlp:Endpoint" : "OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
        };
        await using var sidecar = await SidecarProcess.StartAsync(settings: settings);
        await using (var client = MetricsTraffic.Client(sidecar.PipeName))
        {
            MetricsTraffic.Completed(client, "o-1");
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 1, "the execution is acknowledged");
        }

        // Protobuf writes strings as UTF-8 bytes: the metric names are found without decoding the message.
        await Eventually.TrueAsync(() => receiver.MetricPosts.Any(p => Contains(p.Body, "tap.executions") && Contains(p.Body, "gen_ai.client.token.usage")),
            () => $"an export naming tap.executions reaches /v1/metrics (posts: {string.Join(", ", receiver.MetricPosts.Select(p => $"{p.ContentType} {p.Body.Length} B"))})", TimeSpan.FromSeconds(30));
        Assert.That(receiver.MetricPosts.Select(p => p.ContentType), Is.All.EqualTo("application/x-protobuf"));
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
}
