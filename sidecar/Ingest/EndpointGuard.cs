using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// Who may use the sidecar's endpoint. On Linux the pipe is a Unix socket file: a second sidecar must not take
/// it over from a running one (.NET would silently delete and rebind it), a stale file left by a crash is
/// replaced, and the file is owner-only (0600) unless a group is configured (0660 with that group).
/// </summary>
internal static partial class EndpointGuard
{
    public static string SocketPath(string endpoint) =>
        Path.IsPathRooted(endpoint) ? endpoint : Path.Combine(Path.GetTempPath(), "CoreFxPipe_" + endpoint);

    /// <summary>Throws <see cref="EndpointInUseException"/> when something listens there; returns true when a stale socket was removed.</summary>
    public static bool Claim(string endpoint)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var path = SocketPath(endpoint);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return false;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            File.Delete(path);
            return true;
        }

        throw new EndpointInUseException(
            $"Another process is already listening on '{endpoint}' ({path}); a tap sidecar is probably running there. Stop it, or give this one another endpoint (--endpoint).");
    }

    /// <summary>Restricts the socket file to its owner, or to its owner and <paramref name="group"/>.</summary>
    public static void Protect(string endpoint, string? group)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = SocketPath(endpoint);
        if (string.IsNullOrEmpty(group))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return;
        }

        var gid = GroupId(group) ?? throw new InvalidOperationException($"Tap:Ingest:SocketGroup: no group named '{group}' in /etc/group.");
        if (Chown(path, -1, gid) != 0)
        {
            throw new InvalidOperationException($"Could not give the socket {path} to group '{group}' (errno {Marshal.GetLastPInvokeError()}).");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
    }

    /// <summary>A group id from /etc/group ("name:password:gid:members"), or a numeric id as given.</summary>
    internal static int? GroupId(string group)
    {
        if (int.TryParse(group, out var numeric))
        {
            return numeric;
        }

        foreach (var line in File.ReadLines("/etc/group"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == group && int.TryParse(fields[2], out var gid))
            {
                return gid;
            }
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);
}
