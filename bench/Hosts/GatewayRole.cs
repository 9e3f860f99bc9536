using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Tap.Samples.Gateway;
using Tap.Shim;

namespace Tap.Benchmarks.Hosts;

/// <summary>
/// The sample YARP gateway, exactly as samples/Gateway runs it, with the shim (<c>--tap true</c>) or without. Optional
/// <c>--spool-mode</c>, <c>--spool-path</c> and <c>--spool-max-bytes</c> set the shim's spool; <c>--sidecar away</c> starts it
/// with nobody on its endpoint, so that everything it captures goes to the spool. Without <c>--spool-path</c> the spool is
/// a folder of its own, removed when the role stops: what one run leaves unacknowledged in the default folder would
/// otherwise be adopted, and its delivery charged, by the next run's gateway.
/// </summary>
internal sealed class GatewayRole(WebApplication app, string address, TapClient? tap, string? ownSpool) : IRole
{
    private static readonly (string Arg, string Key)[] SpoolOptions = [("spool-mode", "Spool:Mode"), ("spool-path", "Spool:Path"), ("spool-max-bytes", "Spool:MaxBytes"), ("max-buffered-bytes", "MaxBufferedBytes")];

    public string ReadyPayload => address;

    public static async Task<GatewayRole> StartAsync(RoleArgs args)
    {
        var withTap = bool.Parse(args["tap"]);
        List<string> options =
        [
            "--upstream", args["upstream"], "--listen", "http://127.0.0.1:0", "--tap", withTap ? "true" : "false",
            "--Tap:Endpoint", args["pipe"], "--Logging:LogLevel:Default", "Warning",
        ];
        foreach (var (arg, key) in SpoolOptions)
        {
            if (args.Get(arg) is { } value)
            {
                options.AddRange([$"--Tap:{key}", value]);
            }
        }

        var ownSpool = withTap && args.Get("spool-path") is null ? Directory.CreateTempSubdirectory("tap-bench-spool-").FullName : null;
        if (ownSpool is not null)
        {
            options.AddRange(["--Tap:Spool:Path", ownSpool]);
        }

        var app = GatewayApp.Create([.. options]);
        var away = args.Get("sidecar") == "away";
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var tap = withTap ? app.Services.GetRequiredService<TapClient>() : null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!away && tap is { IsConnected: false } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        if (!away && tap is { IsConnected: false })
        {
            throw new InvalidOperationException("The gateway's shim did not connect to the sidecar.");
        }

        return new GatewayRole(app, address, tap, ownSpool);
    }

    /// <summary>
    /// <c>counters</c>: the shim's counters as JSON, to check that nothing was dropped; <c>gc</c>: the bytes the process
    /// has allocated so far, whose difference over a round is steadier than its CPU on a loaded machine, and the time its
    /// collections have paused it, in microseconds.
    /// </summary>
    public Task<string> AnswerAsync(string command) => Task.FromResult(command switch
    {
        "counters" when tap is not null => JsonSerializer.Serialize(tap.Counters),
        "gc" => string.Create(CultureInfo.InvariantCulture, $"{GC.GetTotalAllocatedBytes(precise: true)} {GC.GetTotalPauseDuration().TotalMicroseconds:0}"),
        _ => "{}",
    });

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        if (ownSpool is not null)
        {
            Directory.Delete(ownSpool, recursive: true);
        }
    }
}
