namespace Tap.Tests.Support;

/// <summary>Provider, sidecar and gateway, started together and stopped together.</summary>
internal sealed class GatewayChain : IAsyncDisposable
{
    private GatewayChain(FakeProvider provider, SidecarProcess sidecar, GatewayProcess gateway)
    {
        Provider = provider;
        Sidecar = sidecar;
        Gateway = gateway;
        Client = gateway.CreateClient();
    }

    public FakeProvider Provider { get; }

    public SidecarProcess Sidecar { get; }

    public GatewayProcess Gateway { get; }

    public HttpClient Client { get; }

    public static async Task<GatewayChain> StartAsync(ProviderResponse response, params string[] gatewayArgs)
    {
        var provider = await FakeProvider.StartAsync(response);
        var sidecar = await SidecarProcess.StartAsync();
        var gateway = await GatewayProcess.StartAsync(provider.BaseAddress, sidecar.PipeName, gatewayArgs);
        await Eventually.TrueAsync(() => gateway.Tap.IsConnected, "the gateway's shim connects");
        return new GatewayChain(provider, sidecar, gateway);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Sidecar.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
