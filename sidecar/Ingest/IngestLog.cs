using Microsoft.Extensions.Logging;

namespace Tap.Sidecar.Ingest;

internal static partial class IngestLog
{
    [LoggerMessage(100, LogLevel.Information, "Listening for Tap shims on '{Endpoint}' ({Address}); recording to '{DatabasePath}'.", EventName = "Listening")]
    public static partial void Listening(ILogger logger, string endpoint, string address, string databasePath);

    [LoggerMessage(101, LogLevel.Information, "Connection {ConnectionId} from {Gateway} (pid {ProcessId} on {Host}) accepted.", EventName = "ConnectionAccepted")]
    public static partial void ConnectionAccepted(ILogger logger, long connectionId, string? gateway, int processId, string? host);

    [LoggerMessage(102, LogLevel.Information, "Connection {ConnectionId} closed; {InFlight} executions in flight finalized.", EventName = "ConnectionClosed")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId, int inFlight);

    [LoggerMessage(103, LogLevel.Warning, "Connection {ConnectionId} dropped: {Code}: {Message}", EventName = "ProtocolViolation")]
    public static partial void ProtocolViolation(ILogger logger, long connectionId, string code, string message);

    [LoggerMessage(104, LogLevel.Warning, "Connection {ConnectionId} refused: {Reason}", EventName = "HandshakeRefused")]
    public static partial void HandshakeRefused(ILogger logger, long connectionId, string reason);

    [LoggerMessage(105, LogLevel.Error, "Connection {ConnectionId} failed unexpectedly.", EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(106, LogLevel.Error, "Accepting connections failed; retrying.", EventName = "AcceptFailed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(108, LogLevel.Warning, "Shim {Gateway} (pid {ProcessId}) reports {Dropped} executions it dropped whole since it started.", EventName = "ShimReportedDrops")]
    public static partial void ShimReportedDrops(ILogger logger, string? gateway, int processId, long dropped);

    [LoggerMessage(110, LogLevel.Warning, "Replaced the stale socket {Path}: nothing listened on it (a previous sidecar crashed?).", EventName = "StaleSocketReplaced")]
    public static partial void StaleSocketReplaced(ILogger logger, string path);

    [LoggerMessage(113, LogLevel.Warning, "Refused {Count} connections over Tap:Ingest:MaxConnections ({Max}) since the last report (reported at most once a minute).", EventName = "ConnectionsRefused")]
    public static partial void ConnectionsRefused(ILogger logger, long count, int max);

    [LoggerMessage(111, LogLevel.Warning, "Connection {ConnectionId} refused: {Message}", EventName = "ExecutionOwned")]
    public static partial void ExecutionOwned(ILogger logger, long connectionId, string message);
}
