namespace Tap.Protocol;

/// <summary>
/// Where an endpoint really is (docs/protocol.md, "Transport"): on Windows the named pipe <c>\\.\pipe\&lt;name&gt;</c>; on
/// Linux and macOS a rooted socket path as is, and a pipe name the socket file .NET maps it to, <c>CoreFxPipe_&lt;name&gt;</c>
/// in the temp folder (<c>$TMPDIR</c>, else <c>/tmp/</c>).
/// </summary>
internal static class PipeEndpoint
{
    /// <summary>The socket file a client connects to on Linux and macOS.</summary>
    public static string SocketPath(string endpoint) =>
        Path.IsPathRooted(endpoint) ? endpoint : Path.Combine(Path.GetTempPath(), "CoreFxPipe_" + endpoint);

    /// <summary>What a client connects to on this system, for messages: the pipe on Windows, else the socket file.</summary>
    public static string Address(string endpoint) =>
        OperatingSystem.IsWindows() ? $@"\\.\pipe\{endpoint}" : SocketPath(endpoint);
}
