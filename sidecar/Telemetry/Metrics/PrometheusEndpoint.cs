using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Tap.Sidecar.Telemetry.Metrics;

/// <summary>
/// A small Kestrel server of its own for the scrape, on <c>Tap:Telemetry:Prometheus:Endpoint</c> only: the sidecar
/// serves nothing else over HTTP. Started before the pipe listener, so a taken port stops <c>tap serve</c> with
/// Kestrel's one line ("Failed to bind to address ...: address already in use") before any shim connects.
/// </summary>
internal sealed class PrometheusEndpoint(IOptions<TelemetryOptions> options, MeterProvider meterProvider, ILogger<PrometheusEndpoint> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Binds the configured port for a moment, as Kestrel would, and throws Kestrel's message when it is taken.</summary>
    /// <exception cref="IOException">Another process listens on the port.</exception>
    public static void ThrowIfTaken(PrometheusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (PrometheusAddress.Parse(options.Endpoint) is not { } address)
        {
            return;
        }

        var probe = new TcpListener(address.Address, address.Port);
        try
        {
            probe.Start();
        }
        catch (SocketException taken) when (taken.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new IOException($"Failed to bind to address {address.Url.GetLeftPart(UriPartial.Authority)}: address already in use.", taken);
        }
        finally
        {
            probe.Stop();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var address = PrometheusAddress.Parse(options.Value.Prometheus.Endpoint)
            ?? throw new InvalidOperationException($"{MetricsServices.PrometheusSection}:Endpoint is not an address to listen on.");

        // No appsettings, no environment: this server takes its address from Tap's configuration alone.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address.Address, address.Port));
        var app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null, address.Path, configureBranchedPipeline: null, optionsName: null);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _app = app;
        MetricsLog.PrometheusListening(logger, address.Url);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync();
        }
    }
}
