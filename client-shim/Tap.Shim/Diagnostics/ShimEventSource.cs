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

    [Event(4, Level = EventLevel.Error, Message = "The Tap sidecar refused the handshake: {0}")]
    public void HandshakeRefused(string reason) => WriteEvent(4, reason);

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
}
