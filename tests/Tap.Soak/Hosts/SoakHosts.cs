namespace Tap.Soak.Hosts;

/// <summary>The fake provider, the sample gateway in front of it and <c>tap serve</c> behind it, each a process of its own.</summary>
internal sealed class SoakHosts : IAsyncDisposable
{
    private readonly HostProcess _provider;
    private readonly HostProcess _gateway;

    private SoakHosts(HostProcess provider, HostProcess gateway, TapServe tap, Uri gatewayAddress)
    {
        _provider = provider;
        _gateway = gateway;
        Tap = tap;
        GatewayAddress = gatewayAddress;
    }

    public TapServe Tap { get; }

    public Uri GatewayAddress { get; }

    public static async Task<SoakHosts> StartAsync(SoakOptions options, SoakFolder folder, string gatewayEndpoint)
    {
        var tap = new TapServe(options.TapPath ?? Binaries.Tap, folder.Socket, folder.Database, folder.Path, options.TapArgs);
        await tap.StartAsync();

        var providerPort = FreePort.Next();
        var provider = HostProcess.Start(
            Binaries.Provider,
            ["--listen", $"http://127.0.0.1:{providerPort}", "--pace-ms", options.PaceMs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fixtures", Binaries.Fixtures, "--Logging:LogLevel:Default", "Warning"],
            Path.Combine(folder.Path, "provider.log"));
        await Readiness.WaitForTcpAsync(provider, providerPort, "the fake provider");

        // The spool folder is the run's own, so runs never replay each other's frames (the option is ignored by a shim without a spool).
        var gatewayPort = FreePort.Next();
        var gateway = HostProcess.Start(
            Binaries.Gateway,
            [
                "--upstream", $"http://127.0.0.1:{providerPort}", "--listen", $"http://127.0.0.1:{gatewayPort}", "--Tap:Endpoint", gatewayEndpoint,
                "--Tap:Spool:Path", Path.Combine(folder.Path, "spool"), "--Logging:LogLevel:Default", "Warning", .. options.GatewayArgs,
            ],
            Path.Combine(folder.Path, "gateway.log"));
        await Readiness.WaitForTcpAsync(gateway, gatewayPort, "the sample gateway");
        return new SoakHosts(provider, gateway, tap, new Uri($"http://127.0.0.1:{gatewayPort}"));
    }

    /// <summary>Stops the gateway gracefully (its shim gets its shutdown time to deliver), then the provider.</summary>
    public async Task StopGatewayAsync()
    {
        await _gateway.TerminateAsync(TimeSpan.FromSeconds(60));
        await _provider.TerminateAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _provider.DisposeAsync();
        await Tap.DisposeAsync();
    }
}
