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
/// (<c>Tap:Telemetry:Prometheus:Endpoint</c>), OTLP (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>, read by the SDK with the other <c>OTEL_*</c> variables, or
/// <c>Tap:Telemetry:Otlp:Endpoint</c>).
/// </summary>
internal static class MetricsServices
{
    public const string PrometheusSection = "Tap:Telemetry:Prometheus";
    public const string OtlpEndpointKey = "Tap:Telemetry:Otlp:Endpoint";

    public static IServiceCollection AddTapMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PrometheusOptions>().Bind(configuration.GetSection(PrometheusSection)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrometheusOptions>, PrometheusOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<SidecarMetrics>();
        services.AddSingleton<ICommitObserver>(sp => sp.GetRequiredService<SidecarMetrics>());

        var prometheus = !string.IsNullOrWhiteSpace(configuration[PrometheusSection + ":Endpoint"]);
        var otlp = OtlpEndpoint(configuration);
        var otlpFromEnvironment = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]);
        if (!prometheus && otlp is null && !otlpFromEnvironment)
        {
            return services;
        }

        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, names the service instead (the SDK reads it).
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService("tap");
                }
            });
            metrics.AddMeter(SidecarMetrics.MeterName);
            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp is not null || otlpFromEnvironment)
            {
                metrics.AddOtlpExporter(exporter =>
                {
                    if (otlp is not null)
                    {
                        // Given in code, the SDK takes the endpoint as it is: over HTTP the signal's path is ours to add.
                        exporter.Endpoint = exporter.Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(otlp.AbsoluteUri.TrimEnd('/') + "/v1/metrics") : otlp;
                    }
                });
            }
        });
        if (prometheus)
        {
            services.AddHostedService<PrometheusEndpoint>();
        }

        return services;
    }

    private static Uri? OtlpEndpoint(IConfiguration configuration) =>
        Uri.TryCreate(configuration[OtlpEndpointKey], UriKind.Absolute, out var endpoint) ? endpoint : null;
}
