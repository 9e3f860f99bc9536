using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tap.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 that answers every request with a recorded provider response, written
/// in the chunks given, with the pauses given, ending cleanly or with a connection reset: the upstream
/// provider of the end-to-end tests.
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

    /// <summary>Set when the provider saw its client (the gateway) go away before the response was written.</summary>
    public int ClientsGone;

    /// <summary>Read each request's body before responding and keep it in <see cref="Bodies"/>.</summary>
    public bool CaptureBodies { get; set; }

    /// <summary>The request bodies as they arrived, in order, while <see cref="CaptureBodies"/> is set.</summary>
    public ConcurrentQueue<byte[]> Bodies { get; } = new();

    public static Task<FakeProvider> StartAsync(ProviderResponse response) => StartAsync(_ => response);

    public static async Task<FakeProvider> StartAsync(Func<HttpRequest, ProviderResponse> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeProvider? provider = null;
        app.Run(async context =>
        {
            Interlocked.Increment(ref provider!.Requests);
            try
            {
                if (provider.CaptureBodies)
                {
                    using var body = new MemoryStream();
                    await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                    provider.Bodies.Enqueue(body.ToArray());
                }

                await respond(context.Request).WriteAsync(context);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                Interlocked.Increment(ref provider.ClientsGone);
            }
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

/// <summary>How the fake provider ends its response.</summary>
internal enum ProviderEnding
{
    Complete,
    Reset,
}

/// <summary>One write of the fake provider: the bytes, and how long to wait before writing them.</summary>
internal sealed record ProviderWrite(byte[] Data, TimeSpan Delay);

/// <summary>What the fake provider answers: status, content type, the body as timed writes (each flushed), and the ending.</summary>
internal sealed record ProviderResponse(int Status, string ContentType, IReadOnlyList<ProviderWrite> Writes, ProviderEnding Ending = ProviderEnding.Complete)
{
    /// <summary>A transcript written one SSE event per flush, <paramref name="pause"/> apart, as providers do.</summary>
    public static ProviderResponse Streamed(byte[] transcript, TimeSpan pause = default) =>
        new(200, "text/event-stream", [.. SplitEvents(transcript).Select((e, i) => new ProviderWrite(e, i == 0 ? TimeSpan.Zero : pause))]);

    /// <summary>An AWS event stream written one message per flush, <paramref name="pause"/> apart, as Bedrock does.</summary>
    public static ProviderResponse EventStream(byte[] transcript, TimeSpan pause = default)
    {
        var ends = Tap.Sidecar.Streams.AwsEventStream.EventStreamLayout.MessageEnds(transcript).Select(e => (int)e).ToList();
        return new(200, "application/vnd.amazon.eventstream", [.. ends.Select((end, i) => new ProviderWrite(transcript[(i == 0 ? 0 : ends[i - 1])..end], i == 0 ? TimeSpan.Zero : pause))]);
    }

    /// <summary>Waits <paramref name="delay"/> before the last write.</summary>
    public ProviderResponse HoldLast(TimeSpan delay) => this with { Writes = [.. Writes.SkipLast(1), Writes[^1] with { Delay = delay }] };

    public static ProviderResponse Body(int status, byte[] body) => new(status, "application/json", [new ProviderWrite(body, TimeSpan.Zero)]);

    /// <summary>Waits <paramref name="delay"/> before the write that starts with <paramref name="marker"/>.</summary>
    public ProviderResponse HoldBefore(string marker, TimeSpan delay) =>
        this with { Writes = [.. Writes.Select(w => StartsWith(w, marker) ? w with { Delay = delay } : w)] };

    /// <summary>Writes the event starting with <paramref name="marker"/> together with the one after it.</summary>
    public ProviderResponse MergeWithNext(string marker)
    {
        var writes = Writes.ToList();
        var at = writes.FindIndex(w => StartsWith(w, marker));
        writes[at] = writes[at] with { Data = [.. writes[at].Data, .. writes[at + 1].Data] };
        writes.RemoveAt(at + 1);
        return this with { Writes = writes };
    }

    /// <summary>Stops before the write starting with <paramref name="marker"/>, then ends as <paramref name="ending"/>.</summary>
    public ProviderResponse StopBefore(string marker, ProviderEnding ending) =>
        this with { Writes = [.. Writes.TakeWhile(w => !StartsWith(w, marker))], Ending = ending };

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        context.Response.ContentType = ContentType;
        foreach (var write in Writes)
        {
            if (write.Delay > TimeSpan.Zero)
            {
                await Task.Delay(write.Delay, context.RequestAborted);
            }

            await context.Response.Body.WriteAsync(write.Data, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        if (Ending == ProviderEnding.Reset)
        {
            // A reset discards what the peer has received but not yet read: let the gateway read the events first.
            await Task.Delay(TimeSpan.FromMilliseconds(100), context.RequestAborted);
            context.Abort();
        }
    }

    private static bool StartsWith(ProviderWrite write, string marker) => write.Data.AsSpan().StartsWith(System.Text.Encoding.UTF8.GetBytes(marker));

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
