using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tap.Shim;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Shim;

/// <summary>app.UseTap(): a gateway that writes the provider's response itself, on real Kestrel, with real clients.</summary>
public class MiddlewareTests
{
    private static readonly byte[] Transcript = FixtureFiles.Read("anthropic-messages/text.sse");

    [Test]
    public async Task Response_written_by_the_app_is_recorded_completed()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var app = await StartAppAsync(sidecar.PipeName, TimeSpan.Zero);
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = app.Address };

        var (_, body) = await StreamingClient.ReadAllAsync(client, StreamingClient.Post("/v1/messages", """{"model":"claude-sonnet-4-5","stream":true}""", "mw-1"));

        var record = await sidecar.WaitForRecordAsync("mw-1");
        Assert.That(body, Is.EqualTo(Transcript));
        Assert.That((record.Status, record.Format, record.RequestedModel, record.Stream), Is.EqualTo(("completed", "anthropic-messages", "claude-sonnet-4-5", true)));
    }

    [Test]
    public async Task App_reads_a_json_body_over_aspnet_cores_30_KB_buffer_exactly_as_sent_and_the_record_names_its_model()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var app = await StartAppAsync(sidecar.PipeName, TimeSpan.Zero);
        using var client = new HttpClient { BaseAddress = app.Address };
        var json = RequestBodies.LongConversation("claude-opus-4-1");

        using var response = await client.SendAsync(StreamingClient.Post("/v1/echo", json, "mw-long-body"));
        var echoed = await response.Content.ReadAsStringAsync();

        var record = await sidecar.WaitForRecordAsync("mw-long-body");
        Assert.That(echoed, Is.EqualTo(json), "the app read every byte the client sent, once");
        Assert.That(record.RequestedModel, Is.EqualTo("claude-opus-4-1"));
    }

    [Test]
    public async Task Client_leaving_while_the_app_writes_is_recorded_canceled()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var app = await StartAppAsync(sidecar.PipeName, TimeSpan.FromMilliseconds(100));
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = app.Address };

        await StreamingClient.ReadUntilThenDisconnectAsync(client, StreamingClient.Post("/v1/messages", """{"model":"claude-sonnet-4-5","stream":true}""", "mw-2"), "content_block_delta");

        var record = await sidecar.WaitForRecordAsync("mw-2");
        Assert.That((record.Status, record.Reason), Is.EqualTo(("canceled", "client_aborted")), record.Explanation);
    }

    [Test]
    public async Task Requests_outside_the_configured_routes_are_not_tapped()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var app = await StartAppAsync(sidecar.PipeName, TimeSpan.Zero, "/v1/chat/");
        using var client = new HttpClient { BaseAddress = app.Address };

        await StreamingClient.ReadAllAsync(client, StreamingClient.Post("/v1/messages", "{}", "not-tapped"));

        Assert.That(app.Tap.Counters.ExecutionsStarted, Is.Zero);
    }

    private static async Task<App> StartAppAsync(string pipe, TimeSpan pause, string? route = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddTap(o =>
        {
            o.Endpoint = pipe;
            if (route is not null)
            {
                o.Routes.Add(route);
            }
        });
        var app = builder.Build();
        app.UseTap();
        app.MapPost("/v1/messages", (HttpContext context) => ProviderResponse.Streamed(Transcript, pause).WriteAsync(context));
        app.MapPost("/v1/echo", (HttpContext context) => context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted));
        await app.StartAsync();
        var tap = app.Services.GetRequiredService<TapClient>();
        await Eventually.TrueAsync(() => tap.IsConnected, "the shim connects");
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new App(app, new Uri(address), tap);
    }

    private sealed record App(WebApplication Web, Uri Address, TapClient Tap) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Web.StopAsync();
            await Web.DisposeAsync();
        }
    }
}
