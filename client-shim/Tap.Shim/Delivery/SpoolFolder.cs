using System.Globalization;

namespace Tap.Shim.Delivery;

/// <summary>
/// The spool folder: owner-only, shared by the processes of one gateway. Each process holds an exclusive OS lock on
/// its own <c>&lt;owner&gt;.lock</c> for its life, and names its segments <c>&lt;owner&gt;-&lt;number&gt;.seg</c>. A
/// lock that can be taken belongs to a process that is gone (the OS releases it however the process ended), so its
/// segments are claimed: renamed into the claimer's names while the claimer holds the dead owner's lock.
/// </summary>
internal sealed class SpoolFolder : IDisposable
{
    private const string SegmentExtension = ".seg";
    private const string LockExtension = ".lock";

    // A lock file without segments is normally deleted by its process at exit; one left by a crash is removed
    // only when this old, so a process between creating its lock file and locking it is never mistaken for dead.
    private static readonly TimeSpan StaleLock = TimeSpan.FromMinutes(10);
    private readonly FileStream _lock;

    private SpoolFolder(string path, string owner, FileStream ownLock)
    {
        Path = path;
        Owner = owner;
        _lock = ownLock;
    }

    public string Path { get; }

    public string Owner { get; }

    /// <summary>Creates the folder if needed and takes this owner's lock. Throws IOException or UnauthorizedAccessException.</summary>
    public static SpoolFolder Open(string path, string owner)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new SpoolFolder(path, owner, OpenExclusive(LockPath(path, owner), FileMode.CreateNew));
    }

    /// <summary>
    /// Claims the segments of every owner that is gone, oldest owner first, renaming them to this owner's numbers from
    /// <paramref name="next"/> on; returns their new paths in replay order.
    /// </summary>
    public List<string> ClaimOrphans(ref long next)
    {
        var claimed = new List<string>();
        var owners = Directory.EnumerateFiles(Path, "*" + SegmentExtension)
            .Select(f => (Owner: OwnerOf(f), Written: File.GetLastWriteTimeUtc(f)))
            .Where(o => o.Owner != Owner)
            .GroupBy(o => o.Owner)
            .OrderBy(g => g.Min(o => o.Written))
            .Select(g => g.Key)
            .ToList();
        foreach (var owner in owners)
        {
            FileStream held;
            try
            {
                held = OpenExclusive(LockPath(Path, owner), FileMode.OpenOrCreate);
            }
            catch (IOException)
            {
                continue; // alive
            }

            using (held)
            {
                foreach (var segment in Directory.EnumerateFiles(Path, owner + "-*" + SegmentExtension).Order(StringComparer.Ordinal))
                {
                    var renamed = SegmentPath(next++);
                    File.Move(segment, renamed);
                    claimed.Add(renamed);
                }
            }

            TryDelete(LockPath(Path, owner));
        }

        RemoveStaleLocks();
        return claimed;
    }

    public FileStream CreateSegment(long number)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.Read, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(SegmentPath(number), options);
    }

    public static FileStream OpenSegment(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.ReadWrite, Share = FileShare.Read, BufferSize = 0 });

    /// <summary>Releases the lock; the lock file goes too when no segment of this owner is left.</summary>
    public void Dispose()
    {
        _lock.Dispose();
        if (!Directory.EnumerateFiles(Path, Owner + "-*" + SegmentExtension).Any())
        {
            TryDelete(LockPath(Path, Owner));
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private string SegmentPath(long number) => System.IO.Path.Combine(Path, Owner + "-" + number.ToString("D12", CultureInfo.InvariantCulture) + SegmentExtension);

    private static string LockPath(string folder, string owner) => System.IO.Path.Combine(folder, owner + LockExtension);

    private static string OwnerOf(string segment)
    {
        var name = System.IO.Path.GetFileName(segment);
        var dash = name.LastIndexOf('-');
        return dash > 0 ? name[..dash] : name;
    }

    private void RemoveStaleLocks()
    {
        foreach (var lockFile in Directory.EnumerateFiles(Path, "*" + LockExtension))
        {
            var owner = System.IO.Path.GetFileNameWithoutExtension(lockFile);
            if (owner == Owner || DateTime.UtcNow - File.GetLastWriteTimeUtc(lockFile) < StaleLock
                || Directory.EnumerateFiles(Path, owner + "-*" + SegmentExtension).Any())
            {
                continue;
            }

            try
            {
                using (OpenExclusive(lockFile, FileMode.Open))
                {
                }

                TryDelete(lockFile);
            }
            catch (IOException)
            {
            }
        }
    }

    // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows: the OS drops it when the process dies.
    private static FileStream OpenExclusive(string path, FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open)
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }
}
