using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tap.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 that answers every request with a recorded provider response, written
/// in the chunks given, with optional pauses between them: the upstream provider of the end-to-end tests.
/// </summary>
internal sealed class FakeProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeProvider(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Requests;

    public static async Task<FakeProvider> StartAsync(ProviderResponse response)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeProvider? provider = null;
        app.Run(async context =>
        {
            Interlocked.Increment(ref provider!.Requests);
            await response.WriteAsync(context);
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        provider = new FakeProvider(app, new Uri(address));
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}

/// <summary>What the fake provider answers: status, content type and the body in chunks, each flushed.</summary>
internal sealed record ProviderResponse(int Status, string ContentType, IReadOnlyList<byte[]> Chunks, TimeSpan Pause = default)
{
    /// <summary>A transcript written one SSE event per flush, as providers do.</summary>
    public static ProviderResponse Streamed(byte[] transcript, TimeSpan pause = default) =>
        new(200, "text/event-stream", SplitEvents(transcript), pause);

    public static ProviderResponse Body(int status, byte[] body) => new(status, "application/json", [body]);

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        context.Response.ContentType = ContentType;
        foreach (var chunk in Chunks)
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (Pause > TimeSpan.Zero)
            {
                await Task.Delay(Pause, context.RequestAborted);
            }
        }
    }

    private static List<byte[]> SplitEvents(byte[] transcript)
    {
        var chunks = new List<byte[]>();
        var start = 0;
        for (var i = 1; i < transcript.Length; i++)
        {
            if (transcript[i] == '\n' && (transcript[i - 1] == '\n' || (i > 2 && transcript[i - 1] == '\r' && transcript[i - 2] == '\n')))
            {
                chunks.Add(transcript[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < transcript.Length)
        {
            chunks.Add(transcript[start..]);
        }

        return chunks;
    }
}
