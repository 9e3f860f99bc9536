using System.Runtime.InteropServices;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// What kind of file a path names, without following a symbolic link (lstat). .NET tells a directory and a link
/// apart but not a socket from a regular file, and a connect to either is refused alike: only the mode bits can
/// prove that a path is a socket before the guard removes it (issue 12: a swapped --db and --endpoint deleted a database).
/// </summary>
internal static partial class UnixFileType
{
    internal enum Kind
    {
        Missing,
        Socket,
        RegularFile,
        Directory,
        SymbolicLink,
        Other,
        Unknown,
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    // struct statx is laid out alike on every Linux architecture (unlike struct stat): stx_mode is a u16 at byte 28.
    private const int StatxSize = 256;
    private const int StatxModeOffset = 28;

    public static Kind Of(string path)
    {
        var buffer = new byte[StatxSize];
        int result;
        try
        {
            result = Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            // A libc without statx (glibc before 2.28): nothing is proved, so nothing will be removed.
            return Path.Exists(path) || File.ResolveLinkTarget(path, returnFinalTarget: false) is not null ? Kind.Unknown : Kind.Missing;
        }

        if (result != 0)
        {
            return Marshal.GetLastPInvokeError() is Enoent or Enotdir ? Kind.Missing : Kind.Unknown;
        }

        return (BitConverter.ToUInt16(buffer, StatxModeOffset) & 0xF000) switch
        {
            0xC000 => Kind.Socket,
            0x8000 => Kind.RegularFile,
            0x4000 => Kind.Directory,
            0xA000 => Kind.SymbolicLink,
            _ => Kind.Other,
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
