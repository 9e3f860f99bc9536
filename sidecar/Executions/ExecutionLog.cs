using Microsoft.Extensions.Logging;

namespace Tap.Sidecar.Executions;

/// <summary>The recorder's events; their ids are the ones they had in IngestLog, so logs and alerts keep matching them.</summary>
internal static partial class ExecutionLog
{
    [LoggerMessage(107, LogLevel.Warning, "The record writer has stopped: execution {ExecutionId} was not recorded; its shim replays it to the next sidecar.", EventName = "RecordDropped")]
    public static partial void RecordDropped(ILogger logger, Guid executionId);

    [LoggerMessage(112, LogLevel.Warning, "Shim {Gateway} reports {Dropped} executions it dropped whole ({Reason}); loss report {ReportId}.", EventName = "LossReported")]
    public static partial void LossReported(ILogger logger, Guid reportId, string? gateway, long dropped, string reason);

    [LoggerMessage(109, LogLevel.Debug, "Execution {ExecutionId} recorded as {Status} ({Reason}).", EventName = "ExecutionDecided")]
    public static partial void ExecutionDecided(ILogger logger, Guid executionId, string status, string reason);
}
