using Microsoft.Extensions.Logging;

namespace Tap.Sidecar.Control;

/// <summary>Log messages of the control endpoint. Event ids are stable: dashboards and tests rely on them.</summary>
internal static partial class ControlLog
{
    [LoggerMessage(300, LogLevel.Information, "Control endpoint for the tap CLI on '{Endpoint}' ({Address}).", EventName = "ControlListening")]
    public static partial void Listening(ILogger logger, string endpoint, string address);

    [LoggerMessage(301, LogLevel.Warning, "Control connection {ConnectionId} closed: {Reason}", EventName = "ControlRequestRejected")]
    public static partial void RequestRejected(ILogger logger, long connectionId, string reason);

    [LoggerMessage(302, LogLevel.Error, "Control request '{Command}' on connection {ConnectionId} failed.", EventName = "ControlRequestFailed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, long connectionId, string command);

    [LoggerMessage(303, LogLevel.Error, "Accepting control connections failed; retrying.", EventName = "ControlAcceptFailed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(304, LogLevel.Information, "Purged {Count} executions started before {Before:o} at the CLI's request.", EventName = "ControlPurged")]
    public static partial void Purged(ILogger logger, long count, DateTime before);

    [LoggerMessage(305, LogLevel.Debug, "Control request '{Command}' on connection {ConnectionId} answered.", EventName = "ControlRequestServed")]
    public static partial void RequestServed(ILogger logger, long connectionId, string command);
}
