namespace Tap.Sidecar.Telemetry;

/// <summary>
/// <c>Tap:Telemetry</c>: where Tap sends its OpenTelemetry data (docs/telemetry.md). Off until an OTLP endpoint is
/// configured, here or by the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.
/// </summary>
internal sealed class TelemetryOptions
{
    /// <summary><c>Tap:Telemetry:Otlp</c>: the collector; each key left unset falls back to its <c>OTEL_EXPORTER_OTLP_*</c> variable.</summary>
    public TelemetryOtlpOptions Otlp { get; set; } = new();

    /// <summary><c>Tap:Telemetry:Spans</c>: one span per recorded execution.</summary>
    public SpanExportOptions Spans { get; set; } = new();

    /// <summary><c>Tap:Telemetry:Prometheus</c>: the scrape endpoint for Prometheus.</summary>
    public PrometheusOptions Prometheus { get; set; } = new();
}

/// <summary><c>Tap:Telemetry:Otlp</c>.</summary>
internal sealed class TelemetryOtlpOptions
{
    /// <summary>The collector's base address (<c>http://127.0.0.1:4317</c> for gRPC, <c>:4318</c> for HTTP, which appends <c>/v1/traces</c>); like <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>; like <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (default <c>grpc</c>).</summary>
    public string? Protocol { get; set; }

    /// <summary>Headers sent with every export, <c>key=value</c> pairs separated by commas; like <c>OTEL_EXPORTER_OTLP_HEADERS</c>.</summary>
    public string? Headers { get; set; }

    /// <summary>How long one export may take; like <c>OTEL_EXPORTER_OTLP_TIMEOUT</c> (default 10 s).</summary>
    public TimeSpan? Timeout { get; set; }
}

/// <summary><c>Tap:Telemetry:Prometheus</c> (docs/telemetry.md, "Prometheus").</summary>
internal sealed class PrometheusOptions
{
    /// <summary>
    /// Where to serve the scrape, <c>[http://]address:port[/path]</c> with an IP address or <c>localhost</c>, such as
    /// <c>127.0.0.1:9464/metrics</c> (the path defaults to <c>/metrics</c>); empty, the default, serves none.
    /// </summary>
    public string? Endpoint { get; set; }
}

/// <summary><c>Tap:Telemetry:Spans</c>.</summary>
internal sealed class SpanExportOptions
{
    /// <summary>False exports no spans even where an endpoint is configured (for metrics only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Spans sent in one export request at most (records are read from the database this many at a time).</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>
    /// Committed records not yet exported at most: past it the oldest are skipped, counted and logged. The backlog is the
    /// database itself, so it costs no memory: 1,000,000 is close to three hours at 100 executions a second.
    /// </summary>
    public long MaxBacklog { get; set; } = 1_000_000;

    /// <summary>How often the exporter looks for newly committed records when it has caught up.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts while the collector fails (the first retry waits a second).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
