using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tap.Benchmarks.Hosts;

/// <summary>
/// A local OTLP/HTTP trace receiver for the ingest benchmark: Kestrel on 127.0.0.1 that reads each export request,
/// counts its bytes and answers 200 (an empty ExportTraceServiceResponse). It decodes nothing: the cost measured is
/// the sidecar's, not a collector's.
/// </summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;
    private long _bytes;

    private OtlpSink(WebApplication app) => _app = app;

    public string Endpoint => _app.Urls.First();

    public long Requests => Interlocked.Read(ref _requests);

    public long Bytes => Interlocked.Read(ref _bytes);

    public static async Task<OtlpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var sink = new OtlpSink(app);
        app.MapPost("/v1/traces", sink.ReceiveAsync);
        await app.StartAsync();
        return sink;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
        {
            Interlocked.Add(ref _bytes, read);
        }

        Interlocked.Increment(ref _requests);
        context.Response.ContentType = "application/x-protobuf";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
