namespace Tap.Sidecar.Ingest;

/// <summary>
/// Where the control endpoint lives, derived from the ingest endpoint so that one setting names both: a pipe
/// name gets "-control" (<c>tap</c> → <c>tap-control</c>, the socket /tmp/CoreFxPipe_tap-control on Linux), a
/// rooted socket path gets ".control" (<c>/run/tap/tap.sock</c> → <c>/run/tap/tap.sock.control</c>).
/// </summary>
internal static class ControlEndpoint
{
    public static string For(string ingestEndpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ingestEndpoint);
        return !OperatingSystem.IsWindows() && Path.IsPathRooted(ingestEndpoint)
            ? ingestEndpoint + ".control"
            : ingestEndpoint + "-control";
    }
}
