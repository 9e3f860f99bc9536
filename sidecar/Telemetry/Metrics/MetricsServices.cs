using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Telemetry.Metrics;

/// <summary>
/// Registers the sidecar's metrics (docs/telemetry.md): the instruments always (they cost nothing unlistened), and
/// the OpenTelemetry SDK with its exporters only when one is configured: the Prometheus scrape endpoint
/// (<c>Tap:Telemetry:Prometheus:Endpoint</c>), OTLP (<c>Tap:Telemetry:Otlp</c> or the <c>OTEL_EXPORTER_OTLP_*</c> variables,
/// resolved by <see cref="OtlpSettings"/> as for the spans; <c>OTEL_METRIC_EXPORT_INTERVAL</c> and <c>_TIMEOUT</c>).
/// </summary>
internal static class MetricsServices
{
    public const string PrometheusSection = TelemetryServices.Section + ":Prometheus";

    public static IServiceCollection AddTapMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMetrics();
        services.TryAddSingleton<SidecarMetrics>();
        services.AddSingleton<ICommitObserver>(sp => sp.GetRequiredService<SidecarMetrics>());

        var prometheus = !string.IsNullOrWhiteSpace(configuration[PrometheusSection + ":Endpoint"]);
        var otlp = OtlpSettings.IsConfigured(configuration, "METRICS");
        if (!prometheus && !otlp)
        {
            return services;
        }

        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.ConfigureResource(resource => resource.AddService(TelemetryServices.ServiceName(configuration), serviceVersion: TelemetryServices.ServiceVersion));
            metrics.AddMeter(SidecarMetrics.MeterName);
            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp)
            {
                // Where and how, as the spans resolve it (Tap:Telemetry:Otlp, then the OTEL_EXPORTER_OTLP_* variables).
                metrics.AddReader(sp => new PeriodicExportingMetricReader(
                    new OtlpMetricExporter(OtlpSettings.Resolve(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.Otlp, configuration, "METRICS", "v1/metrics").ToExporterOptions()),
                    Milliseconds(configuration, "OTEL_METRIC_EXPORT_INTERVAL", 60_000),
                    Milliseconds(configuration, "OTEL_METRIC_EXPORT_TIMEOUT", 30_000)));
            }
        });
        if (prometheus)
        {
            services.AddHostedService<PrometheusEndpoint>();
        }

        return services;
    }

    // The SDK's variables for its periodic reader, read as the SDK reads them: a positive integer, else the default.
    private static int Milliseconds(IConfiguration configuration, string variable, int fallback) =>
        int.TryParse(configuration[variable], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
