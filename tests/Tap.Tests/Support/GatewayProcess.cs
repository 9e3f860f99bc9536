using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Tap.Samples.Gateway;
using Tap.Shim;

namespace Tap.Tests.Support;

/// <summary>The real sample gateway (YARP with the shim attached) on 127.0.0.1, in front of an upstream.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayProcess(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public TapClient Tap => _app.Services.GetRequiredService<TapClient>();

    /// <summary>
    /// A client whose disconnects are real: SocketsHttpHandler would otherwise read the rest of a disposed
    /// response to reuse the connection, and the gateway would never see the client leave.
    /// </summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<GatewayProcess> StartAsync(Uri upstream, string tapEndpoint, params string[] extraArgs)
    {
        var app = GatewayApp.Create(
        [
            "--upstream", upstream.ToString(), "--listen", "http://127.0.0.1:0", "--Tap:Endpoint", tapEndpoint,
            "--Tap:MaxReconnectDelay", "00:00:00.200", "--Logging:LogLevel:Default", "Warning", .. extraArgs,
        ]);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new GatewayProcess(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}
