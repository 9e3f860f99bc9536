using Microsoft.Extensions.Logging;

namespace Tap.Sidecar.Telemetry;

/// <summary>Log messages of the telemetry export. Event ids are stable: dashboards and tests rely on them.</summary>
internal static partial class TelemetryLog
{
    [LoggerMessage(EventId = 1501, EventName = "SpanExportStarted", Level = LogLevel.Information,
        Message = "Exporting a span per execution over OTLP ({Protocol}) to {Endpoint}, from commit {Cursor}")]
    public static partial void SpanExportStarted(ILogger logger, OpenTelemetry.Exporter.OtlpExportProtocol protocol, Uri endpoint, long cursor);

    [LoggerMessage(EventId = 1502, EventName = "SpanExportFailed", Level = LogLevel.Warning,
        Message = "Exporting {Count} spans to {Endpoint} failed ({Failures} failures in a row); the records stay in the database and are sent again in {RetryDelay}")]
    public static partial void SpanExportFailed(ILogger logger, int count, Uri endpoint, long failures, TimeSpan retryDelay);

    [LoggerMessage(EventId = 1503, EventName = "SpanExportResumed", Level = LogLevel.Information,
        Message = "Span export to {Endpoint} works again after {Failures} failed attempts")]
    public static partial void SpanExportResumed(ILogger logger, Uri endpoint, long failures);

    [LoggerMessage(EventId = 1504, EventName = "SpanBacklogSkipped", Level = LogLevel.Error,
        Message = "{Skipped} executions were committed but never exported as spans: the backlog exceeded Tap:Telemetry:Spans:MaxBacklog ({MaxBacklog}); {TotalSkipped} skipped since start")]
    public static partial void SpanBacklogSkipped(ILogger logger, long skipped, long maxBacklog, long totalSkipped);

    [LoggerMessage(EventId = 1505, EventName = "SpanExportError", Level = LogLevel.Error,
        Message = "Span export hit an unexpected error; retrying in {RetryDelay}")]
    public static partial void SpanExportError(ILogger logger, Exception exception, TimeSpan retryDelay);

    [LoggerMessage(EventId = 1506, EventName = "SpanCursorNotSavedAtStop", Level = LogLevel.Warning,
        Message = "The span cursor could not be saved at the stop: it stays at commit {Saved}, so the spans up to commit {Exported} are sent again at the next start")]
    public static partial void SpanCursorNotSavedAtStop(ILogger logger, long saved, long exported);
}
