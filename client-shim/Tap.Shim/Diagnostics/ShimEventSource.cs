using System.Diagnostics.Tracing;

namespace Tap.Shim.Diagnostics;

/// <summary>
/// Self-diagnostics, off until a listener enables them (dotnet-trace, or an EventListener on "Tap-Shim"),
/// and apart from the host's own logs: the shim must never add noise or cost to the proxy.
/// </summary>
[EventSource(Name = "Tap-Shim")]
internal sealed class ShimEventSource : EventSource
{
    public static readonly ShimEventSource Log = new();

    [Event(1, Level = EventLevel.Informational, Message = "Connected to the Tap sidecar at '{0}'.")]
    public void Connected(string endpoint) => WriteEvent(1, endpoint);

    [Event(2, Level = EventLevel.Warning, Message = "Could not connect to the Tap sidecar at '{0}': {1}")]
    public void ConnectFailed(string endpoint, string error)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.None))
        {
            WriteEvent(2, endpoint, error);
        }
    }

    [Event(3, Level = EventLevel.Warning, Message = "Connection to the Tap sidecar lost: {0}")]
    public void Disconnected(string reason)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.None))
        {
            WriteEvent(3, reason);
        }
    }

    // Event 4 (HandshakeRefused) is retired: a refusal is reported as ConnectFailed with its reason. Ids are never reused.

    [Event(5, Level = EventLevel.Warning, Message = "Tap shim buffer full: {0} frames dropped so far.")]
    public void FramesDropped(long total)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.None))
        {
            WriteEvent(5, total);
        }
    }

    [Event(6, Level = EventLevel.Error, Message = "The Tap sidecar reported {0}: {1}")]
    public void SidecarError(string code, string message) => WriteEvent(6, code, message);

    [Event(8, Level = EventLevel.Informational, Message = "A drain after a client abort stopped before the upstream ended: {0}")]
    public void DrainStopped(string reason) => WriteEvent(8, reason);

    [Event(7, Level = EventLevel.Error, Message = "Tap shim internal error (the frame was dropped): {0}")]
    public void InternalError(string error) => WriteEvent(7, error);

    [Event(9, Level = EventLevel.Error, Message = "The Tap spool folder '{0}' cannot be used, frames stay in memory only: {1}")]
    public void SpoolUnavailable(string path, string error) => WriteEvent(9, path, error);

    [Event(10, Level = EventLevel.Warning, Message = "Writing or reading the Tap spool failed: {0}")]
    public void SpoolWriteFailed(string error)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.None))
        {
            WriteEvent(10, error);
        }
    }

    [Event(11, Level = EventLevel.Warning, Message = "Tap spool segment '{0}' has a torn or corrupt record after byte {1}; the rest of it was skipped.")]
    public void SpoolCorrupt(string path, long validBytes) => WriteEvent(11, path, validBytes);

    [Event(12, Level = EventLevel.Warning, Message = "Tap shim dropped {0} executions whole ({1}); reported to the sidecar.")]
    public void ExecutionsLost(long count, string reason)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.None))
        {
            WriteEvent(12, count, reason);
        }
    }
}
