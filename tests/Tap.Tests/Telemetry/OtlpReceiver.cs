using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Tap.Tests.Telemetry;

/// <summary>
/// A real OTLP trace receiver on 127.0.0.1: Kestrel, decoding each ExportTraceServiceRequest. HTTP/protobuf answers
/// POST /v1/traces; gRPC (HTTP/2 only, prior knowledge) answers TraceService/Export with the gRPC framing (a 5-byte
/// prefix: compressed flag and big-endian length) and a <c>grpc-status</c> trailer. It can be stopped and started
/// again on the same port, as a collector that goes down and comes back. Over HTTP it also keeps every POST /v1/metrics
/// body as it came, for the metrics' export tests.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private const string GrpcPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private readonly bool _grpc;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private WebApplication? _app;

    private OtlpReceiver(bool grpc) => _grpc = grpc;

    public int Port { get; private set; }

    /// <summary>What Tap:Telemetry:Otlp:Endpoint should be.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    public string Protocol => _grpc ? "grpc" : "http/protobuf";

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    /// <summary>The bodies of POST /v1/metrics with their content types, undecoded.</summary>
    public ConcurrentQueue<(string? ContentType, byte[] Body)> MetricPosts { get; } = new();

    /// <summary>Export requests answered.</summary>
    public int Requests;

    public static async Task<OtlpReceiver> StartAsync(bool grpc)
    {
        var receiver = new OtlpReceiver(grpc);
        await receiver.StartAsync(port: 0);
        return receiver;
    }

    /// <summary>Listens again on the port it had: the collector is back.</summary>
    public Task RestartAsync() => StartAsync(Port);

    /// <summary>Stops listening: exports meet a refused connection.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await app.DisposeAsync();
        }
    }

    private async Task StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
            listen.Protocols = _grpc ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        if (_grpc)
        {
            app.MapPost(GrpcPath, AnswerGrpcAsync);
        }
        else
        {
            app.MapPost("/v1/traces", AnswerHttpAsync);
            app.MapPost("/v1/metrics", async context =>
            {
                MetricPosts.Enqueue((context.Request.ContentType, await ReadAllAsync(context.Request.Body)));
                context.Response.ContentType = "application/x-protobuf";
            });
        }

        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    private async Task AnswerHttpAsync(HttpContext context)
    {
        Receive(await ReadAllAsync(context.Request.Body));
        context.Response.ContentType = "application/x-protobuf";

        // An empty ExportTraceServiceResponse: no partial success.
        await context.Response.Body.FlushAsync();
    }

    private async Task AnswerGrpcAsync(HttpContext context)
    {
        var framed = await ReadAllAsync(context.Request.Body);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(framed.AsSpan(1, 4));
        Assert.That(framed[0], Is.Zero, "the exporter sends uncompressed messages");
        Receive(framed[5..(5 + length)]);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private void Receive(byte[] request)
    {
        foreach (var span in OtlpMessages.DecodeExportTraceServiceRequest(request))
        {
            _spans.Enqueue(span);
        }

        Interlocked.Increment(ref Requests);
    }

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
