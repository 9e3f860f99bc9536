using Microsoft.Extensions.Options;

namespace Tap.Sidecar.Telemetry;

/// <summary>Checks <c>Tap:Telemetry</c> once at start (ValidateOnStart), naming every key that is wrong.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var otlp = options.Otlp;
        if (otlp.Endpoint is { } endpoint && !OtlpSettings.IsEndpoint(endpoint))
        {
            errors.Add($"Tap:Telemetry:Otlp:Endpoint must be an absolute http:// or https:// address such as http://127.0.0.1:4317 (is '{endpoint}').");
        }

        if (otlp.Protocol is { } protocol && OtlpSettings.ParseProtocol(protocol) is null)
        {
            errors.Add($"Tap:Telemetry:Otlp:Protocol must be grpc or http/protobuf (is '{protocol}').");
        }

        if (otlp.Headers is { } headers && !OtlpSettings.AreHeaders(headers))
        {
            errors.Add("Tap:Telemetry:Otlp:Headers must be key=value pairs separated by commas (its value is not shown: it may hold a key).");
        }

        if (otlp.Timeout is { } timeout && (timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromMinutes(10)))
        {
            errors.Add($"Tap:Telemetry:Otlp:Timeout must be between 00:00:01 and 00:10:00 (is {timeout}).");
        }

        var spans = options.Spans;
        if (spans.MaxBatchSize is < 1 or > 10_000)
        {
            errors.Add($"Tap:Telemetry:Spans:MaxBatchSize must be between 1 and 10000 (is {spans.MaxBatchSize}).");
        }

        if (spans.MaxBacklog is < 1 or > 1_000_000_000)
        {
            errors.Add($"Tap:Telemetry:Spans:MaxBacklog must be between 1 and 1000000000 (is {spans.MaxBacklog}).");
        }

        if (spans.Interval < TimeSpan.FromMilliseconds(10) || spans.Interval > TimeSpan.FromHours(1))
        {
            errors.Add($"Tap:Telemetry:Spans:Interval must be between 00:00:00.010 and 01:00:00 (is {spans.Interval}).");
        }

        if (spans.MaxRetryDelay < TimeSpan.FromSeconds(1) || spans.MaxRetryDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"Tap:Telemetry:Spans:MaxRetryDelay must be between 00:00:01 and 01:00:00 (is {spans.MaxRetryDelay}).");
        }

        if (options.Prometheus.Endpoint is { } scrape && !string.IsNullOrWhiteSpace(scrape) && Metrics.PrometheusAddress.Parse(scrape) is null)
        {
            errors.Add($"Tap:Telemetry:Prometheus:Endpoint must be [http://]address:port[/path] with an IP address or localhost and a port from 1 to 65535, such as 127.0.0.1:9464/metrics (is '{scrape}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
