namespace Tap.Sidecar.Store.Files;

/// <summary>The files beside a database: LiteDB's write-ahead log and the writer's lock.</summary>
internal static class DatabasePaths
{
    /// <summary>LiteDB's name for the log of <paramref name="database"/>: tap.db → tap-log.db.</summary>
    public static string Log(string database)
    {
        var full = Path.GetFullPath(database);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-log" + Path.GetExtension(full));
    }

    public static string Lock(string database) => Path.GetFullPath(database) + ".lock";
}
