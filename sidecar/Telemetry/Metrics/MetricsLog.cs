using Microsoft.Extensions.Logging;

namespace Tap.Sidecar.Telemetry.Metrics;

internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 1601, EventName = "PrometheusListening", Level = LogLevel.Information,
        Message = "Serving Prometheus metrics at {Url}")]
    public static partial void PrometheusListening(ILogger logger, Uri url);
}
