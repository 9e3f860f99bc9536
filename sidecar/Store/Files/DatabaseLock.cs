using System.Globalization;
using System.Text;

namespace Tap.Sidecar.Store.Files;

/// <summary>
/// The one-writer rule, enforced by the OS: a writer holds an exclusive lock on <c>&lt;db&gt;.lock</c> (flock on Unix, a
/// sharing lock on Windows) for as long as it may write, so a second writer, even in the same process, is refused
/// before it touches any file. The lock dies with its process, so a crashed writer never blocks the next one. The
/// file holds the holder's process id, for the operator; it is never deleted, as unlinking a lock file races a
/// process that has just opened it.
/// </summary>
internal sealed class DatabaseLock : IDisposable
{
    private readonly FileStream _file;

    private DatabaseLock(FileStream file) => _file = file;

    /// <exception cref="DatabaseRefusedException">Another process, or another writer of this one, holds the database.</exception>
    public static DatabaseLock Acquire(string database)
    {
        var path = DatabasePaths.Lock(database);

        // The lock is the first file a writer creates: on a fresh machine the default folder (~/.local/share/tap)
        // does not exist yet. A new folder is owner-only, like the files in it.
        CreateFolder(Path.GetDirectoryName(path)!);
        FileStream file;
        try
        {
            file = new FileStream(path, OwnerOnly.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) when (File.Exists(path))
        {
            throw Held(database);
        }

        try
        {
            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            file.SetLength(0);
            file.Write(pid);
            file.Flush();
            return new DatabaseLock(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether a writer holds <paramref name="database"/>, probed without creating anything: a shared lock is tried
    /// and dropped at once, so a writer starting at the same moment is delayed by microseconds, never refused for long.
    /// </summary>
    public static DatabaseRefusedException? ProbeHeld(string database)
    {
        var path = DatabasePaths.Lock(database);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's writer: its lock file is owner-only, and so is its database.
            return null;
        }
        catch (IOException)
        {
            return Held(database);
        }
    }

    public void Dispose() => _file.Dispose();

    // .NET opens every file with a shared flock, so the holder's pid cannot be read from here while it holds the file;
    // the message points at the file instead (cat reads it).
    private static DatabaseRefusedException Held(string database) => new(
        DatabaseRefusal.Locked,
        $"The database {Path.GetFullPath(database)} is in use by another tap process (its pid is in {DatabasePaths.Lock(database)}): one writer per database.");

    private static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
