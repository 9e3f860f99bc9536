using Microsoft.Extensions.Options;

namespace Tap.Sidecar.Telemetry.Metrics;

/// <summary>Checks <c>Tap:Telemetry:Prometheus</c> once at start (ValidateOnStart).</summary>
internal sealed class PrometheusOptionsValidator : IValidateOptions<PrometheusOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Endpoint) || PrometheusAddress.Parse(options.Endpoint) is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{MetricsServices.PrometheusSection}:Endpoint must be [http://]address:port[/path] with an IP address or localhost and a port from 1 to 65535, such as 127.0.0.1:9464/metrics (is '{options.Endpoint}').");
    }
}
