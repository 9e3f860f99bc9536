using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tap.Tests.Support;

namespace Tap.Tests.Telemetry;

/// <summary>
/// OTLP metric export, configured by the standard variables or by <c>Tap:Telemetry:Otlp:Endpoint</c>, reaches a real
/// HTTP receiver (Kestrel on 127.0.0.1) as OTLP/HTTP protobuf on <c>/v1/metrics</c>, carrying Tap's instruments.
/// </summary>
public class OtlpMetricsExportTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task Otlp_http_export_posts_the_meters_instruments_to_v1_metrics(bool tapKey)
    {
        await using var receiver = await Receiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            [tapKey ? "Tap:Telemetry:Otlp:Endpoint" : "OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString(),
        };
        await using var sidecar = await SidecarProcess.StartAsync(settings: settings);
        await using (var client = MetricsTraffic.Client(sidecar.PipeName))
        {
            MetricsTraffic.Completed(client, "o-1");
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 1, "the execution is acknowledged");
        }

        // Protobuf writes strings as UTF-8 bytes: the metric names are found without decoding the message.
        await Eventually.TrueAsync(() => receiver.Posts.Any(p => p.Path == "/v1/metrics" && Contains(p.Body, "tap.executions") && Contains(p.Body, "gen_ai.client.token.usage")),
            () => $"an export naming tap.executions reaches /v1/metrics (posts: {string.Join(", ", receiver.Posts.Select(p => $"{p.Path} {p.ContentType} {p.Body.Length} B"))})", TimeSpan.FromSeconds(30));
        Assert.That(receiver.Posts.Where(p => p.Path == "/v1/metrics").Select(p => p.ContentType), Is.All.EqualTo("application/x-protobuf"));
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;

    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app, Uri address)
        {
            _app = app;
            Address = address;
        }

        public Uri Address { get; }

        public ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> Posts { get; } = new();

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            Receiver? receiver = null;
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver!.Posts.Enqueue((context.Request.Path, context.Request.ContentType, body.ToArray()));
                context.Response.ContentType = "application/x-protobuf";
                context.Response.StatusCode = StatusCodes.Status200OK;
            });
            await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            receiver = new Receiver(app, new Uri(address));
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }
    }
}
