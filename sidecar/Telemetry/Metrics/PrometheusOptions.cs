namespace Tap.Sidecar.Telemetry.Metrics;

/// <summary><c>Tap:Telemetry:Prometheus</c>: the scrape endpoint for Prometheus (docs/telemetry.md, "Prometheus").</summary>
internal sealed class PrometheusOptions
{
    /// <summary>
    /// Where to serve the scrape, <c>[http://]address:port[/path]</c> with an IP address or <c>localhost</c>, such as
    /// <c>127.0.0.1:9464/metrics</c> (the path defaults to <c>/metrics</c>); empty, the default, serves none.
    /// </summary>
    public string? Endpoint { get; set; }
}
