using Microsoft.Extensions.Logging;

namespace Tap.Sidecar.Store;

/// <summary>Log messages of the store. Event ids are stable: dashboards and tests rely on them.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 1001, EventName = "BatchCommitted", Level = LogLevel.Debug,
        Message = "Committed {Count} executions")]
    public static partial void BatchCommitted(ILogger logger, int count);

    [LoggerMessage(EventId = 1002, EventName = "SaveFailed", Level = LogLevel.Error,
        Message = "Saving {Count} executions failed (attempt {Attempt}); retrying in {RetryDelay}")]
    public static partial void SaveFailed(ILogger logger, Exception exception, int count, int attempt, TimeSpan retryDelay);

    [LoggerMessage(EventId = 1003, EventName = "CommitCallbackFailed", Level = LogLevel.Warning,
        Message = "The commit callback of execution {ExecutionId} threw")]
    public static partial void CommitCallbackFailed(ILogger logger, Exception exception, Guid executionId);

    [LoggerMessage(EventId = 1013, EventName = "CommitObserverFailed", Level = LogLevel.Warning,
        Message = "Counting a committed batch for the metrics threw; the records are committed, the metrics miss them")]
    public static partial void CommitObserverFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1004, EventName = "RecordRefused", Level = LogLevel.Warning,
        Message = "The record writer has stopped: an execution was not recorded ({Dropped} so far); its shim keeps it unacknowledged and replays it to the next sidecar")]
    public static partial void RecordRefused(ILogger logger, long dropped);

    [LoggerMessage(EventId = 1005, EventName = "DrainAbandoned", Level = LogLevel.Error,
        Message = "Shutdown timed out while saving: {Count} executions were not recorded")]
    public static partial void DrainAbandoned(ILogger logger, int count);

    [LoggerMessage(EventId = 1006, EventName = "WriterStopped", Level = LogLevel.Information,
        Message = "Record writer stopped: {Recorded} recorded, {Dropped} dropped, {FailedAttempts} failed save attempts")]
    public static partial void WriterStopped(ILogger logger, long recorded, long dropped, long failedAttempts);

    [LoggerMessage(EventId = 1007, EventName = "RetentionApplied", Level = LogLevel.Information,
        Message = "Retention deleted {Expired} executions older than {RetentionDays} days and {Trimmed} oldest for size; the database is {DatabaseBytes} bytes")]
    public static partial void RetentionApplied(ILogger logger, long expired, int retentionDays, long trimmed, long databaseBytes);

    [LoggerMessage(EventId = 1009, EventName = "WriterBehind", Level = LogLevel.Warning,
        Message = "The store is slower than the shims: {Queued} records wait to be saved, so reading from shims pauses until it catches up ({Pauses} pauses so far; logged at most once a minute). Shims keep what they cannot send, up to their MaxBufferedBytes")]
    public static partial void WriterBehind(ILogger logger, long queued, long pauses);

    [LoggerMessage(EventId = 1008, EventName = "MaintenanceFailed", Level = LogLevel.Error,
        Message = "Database maintenance (retention, checkpoint) failed; it runs again at the next interval")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1011, EventName = "WriteFailed", Level = LogLevel.Error,
        Message = "The store's {Write} failed (attempt {Attempt}); retrying in {RetryDelay}")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string write, int attempt, TimeSpan retryDelay);

    [LoggerMessage(EventId = 1012, EventName = "PrepareFailed", Level = LogLevel.Error,
        Message = "Preparing the record of execution {ExecutionId} (its usage estimate) threw; it is saved without it")]
    public static partial void PrepareFailed(ILogger logger, Exception exception, Guid executionId);

    [LoggerMessage(EventId = 1010, EventName = "DatabaseWorldReadable", Level = LogLevel.Warning,
        Message = "The database {Path} is readable by every user of this machine, and holds response text: chmod 600 it (Tap creates its files owner-only, and leaves an existing file's mode alone)")]
    public static partial void DatabaseWorldReadable(ILogger logger, string path);
}
