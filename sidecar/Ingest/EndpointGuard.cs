using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tap.Protocol;
using Tap.Sidecar.Store.Files;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// Who may use the sidecar's endpoint. On Linux the pipe is a Unix socket file: a second sidecar must not take
/// it over from a running one (.NET would silently delete and rebind it), a stale socket left by a crash is
/// replaced but nothing else ever is (a regular file, a directory, a link, the database), and the file is
/// owner-only (0600) unless a group is configured (0660 with that group).
/// </summary>
internal static partial class EndpointGuard
{
    /// <summary>
    /// Throws <see cref="EndpointRefusedException"/> when the path holds anything but a socket or names the database,
    /// <see cref="EndpointInUseException"/> when something listens there; returns true when a stale socket was removed.
    /// </summary>
    public static bool Claim(string endpoint, string? databasePath = null)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var path = PipeEndpoint.SocketPath(endpoint);
        if (Refusal(path, databasePath) is { } reason)
        {
            throw new EndpointRefusedException(reason);
        }

        if (UnixFileType.Of(path) == UnixFileType.Kind.Missing)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return false;
        }

        if (!Answers(path))
        {
            File.Delete(path);
            return true;
        }

        throw InUse(endpoint, path);
    }

    /// <summary>
    /// Throws <see cref="EndpointInUseException"/> when something listens at the endpoint; touches nothing. Checked
    /// before the database is opened, so a start that would fail on a taken endpoint creates no file.
    /// </summary>
    public static void ThrowIfTaken(string endpoint)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = PipeEndpoint.SocketPath(endpoint);
        if (UnixFileType.Of(path) == UnixFileType.Kind.Socket && Answers(path))
        {
            throw InUse(endpoint, path);
        }
    }

    private static bool Answers(string socketPath)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            return false;
        }
    }

    private static EndpointInUseException InUse(string endpoint, string path) => new(
        $"Another process is already listening on '{endpoint}' ({path}); a tap sidecar is probably running there. Stop it, or give this one another endpoint (--endpoint).");

    /// <summary>
    /// Why the sidecar may not bind a socket at <paramref name="socketPath"/> (null when it may): the path holds
    /// something other than a socket, or it is the database or the database's log file. Nothing is touched.
    /// </summary>
    public static string? Refusal(string socketPath, string? databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        if (databasePath is { Length: > 0 })
        {
            var socket = Path.GetFullPath(socketPath);
            var database = Path.GetFullPath(databasePath);
            if (socket == database)
            {
                return $"The endpoint {socketPath} is the database path (--db): refusing to replace it; give the socket a path of its own, e.g. /run/tap/tap.sock.";
            }

            if (socket == DatabasePaths.Log(database))
            {
                return $"The endpoint {socketPath} is the database's log file: refusing to replace it; give the socket a path of its own, e.g. /run/tap/tap.sock.";
            }
        }

        var kind = UnixFileType.Of(socketPath) switch
        {
            UnixFileType.Kind.Missing or UnixFileType.Kind.Socket => null,
            UnixFileType.Kind.RegularFile => "a regular file",
            UnixFileType.Kind.Directory => "a directory",
            UnixFileType.Kind.SymbolicLink => "a symbolic link",
            UnixFileType.Kind.Other => "a device or fifo",
            _ => "a file of unknown kind",
        };
        return kind is null ? null : $"The endpoint {socketPath} is {kind}, not a socket: refusing to replace it (is --endpoint swapped with --db?).";
    }

    /// <summary>Restricts the socket file to its owner, or to its owner and <paramref name="group"/>.</summary>
    public static void Protect(string endpoint, string? group)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = PipeEndpoint.SocketPath(endpoint);
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
