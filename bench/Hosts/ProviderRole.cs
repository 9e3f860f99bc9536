using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tap.Benchmarks.Fixtures;

namespace Tap.Benchmarks.Hosts;

/// <summary>
/// A local stand-in provider: each format's path answers with that format's text transcript, one SSE event
/// per flushed write. The request header <c>x-bench-pace-ms</c> sets a pause between events (as a model
/// generating tokens); without it the events follow at once, so the gateway, not the provider, limits a round.
/// </summary>
internal sealed class ProviderRole(WebApplication app, string address) : IRole
{
    public const string PaceHeader = "x-bench-pace-ms";

    public string ReadyPayload => address;

    public static async Task<ProviderRole> StartAsync(RoleArgs args)
    {
        _ = args;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        foreach (var format in FixtureSet.Formats)
        {
            var fixture = FixtureSet.Text(format);
            var path = format == "gemini" ? "/v1beta/models/{model}" : fixture.RequestPath;
            app.MapPost(path, (HttpContext context) => ServeAsync(context, fixture));
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ProviderRole(app, address);
    }

    public Task<string> AnswerAsync(string command) => Task.FromResult("unknown command");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static async Task ServeAsync(HttpContext context, Fixture fixture)
    {
        // The request body is read as a provider would, though its content does not change the answer.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        var pace = int.TryParse(context.Request.Headers[PaceHeader], out var ms) ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < fixture.Events.Count; i++)
        {
            if (i > 0 && pace > TimeSpan.Zero)
            {
                await Task.Delay(pace, context.RequestAborted);
            }

            await context.Response.Body.WriteAsync(fixture.Events[i], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }
}
