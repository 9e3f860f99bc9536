using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Tap.Samples.Gateway;
using Tap.Shim;

namespace Tap.Benchmarks.Hosts;

/// <summary>The sample YARP gateway, exactly as samples/Gateway runs it, with the shim (<c>--tap true</c>) or without.</summary>
internal sealed class GatewayRole(WebApplication app, string address, TapClient? tap) : IRole
{
    public string ReadyPayload => address;

    public static async Task<GatewayRole> StartAsync(RoleArgs args)
    {
        var withTap = bool.Parse(args["tap"]);
        var app = GatewayApp.Create(
        [
            "--upstream", args["upstream"], "--listen", "http://127.0.0.1:0", "--tap", withTap ? "true" : "false",
            "--Tap:Endpoint", args["pipe"], "--Logging:LogLevel:Default", "Warning",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var tap = withTap ? app.Services.GetRequiredService<TapClient>() : null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (tap is { IsConnected: false } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        if (tap is { IsConnected: false })
        {
            throw new InvalidOperationException("The gateway's shim did not connect to the sidecar.");
        }

        return new GatewayRole(app, address, tap);
    }

    /// <summary><c>counters</c>: the shim's counters as JSON, to check that nothing was dropped.</summary>
    public Task<string> AnswerAsync(string command) => Task.FromResult(command == "counters" && tap is not null
        ? JsonSerializer.Serialize(tap.Counters)
        : "{}");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
