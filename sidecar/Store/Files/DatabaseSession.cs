using LiteDB;
using LiteDB.Engine;

namespace Tap.Sidecar.Store.Files;

/// <summary>
/// One LiteDB engine over streams Tap opened itself, so Tap decides how the files are opened: created owner-only,
/// never created, cropped or written by a reader, and every write of a writer observed (<see cref="SyncedFileStream"/>).
/// </summary>
internal sealed class DatabaseSession : IDisposable
{
    private readonly Stream _data;
    private readonly Stream _log;

    private DatabaseSession(Stream data, Stream log, LiteDatabase database)
    {
        _data = data;
        _log = log;
        Database = database;
    }

    public LiteDatabase Database { get; }

    /// <summary>The writer's log, whose writes tell when a commit is on disk; null for a reader.</summary>
    public SyncedFileStream? Log => _log as SyncedFileStream;

    /// <summary>Opens <paramref name="path"/> to write, creating it (and its log) owner-only when missing.</summary>
    public static DatabaseSession OpenWriter(string path, BsonMapper mapper)
    {
        var data = new SyncedFileStream(new FileStream(path, OwnerOnly.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete)), syncOnFlush: true);
        Stream? log = null;
        try
        {
            log = new SyncedFileStream(new FileStream(DatabasePaths.Log(path), OwnerOnly.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete)), syncOnFlush: false);
            return Open(data, log, readOnly: false, mapper);
        }
        catch
        {
            log?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> to read: nothing is created, and no byte of the data file or its log can change.</summary>
    public static DatabaseSession OpenReader(string path, BsonMapper mapper)
    {
        var data = new ReadOnlyView(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1));
        Stream? log = null;
        try
        {
            var logPath = DatabasePaths.Log(path);
            log = File.Exists(logPath) && new FileInfo(logPath).Length >= DatabaseHeader.PageSize
                ? new ReadOnlyView(new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                : new MemoryStream();
            return Open(data, log, readOnly: true, mapper);
        }
        catch
        {
            log?.Dispose();
            data.Dispose();
            throw;
        }
    }

    private static DatabaseSession Open(Stream data, Stream log, bool readOnly, BsonMapper mapper)
    {
        // The sort spill stays in memory or the temp folder, never beside the operator's file.
        var engine = new LiteEngine(new EngineSettings { DataStream = data, LogStream = log, TempStream = new TempStream(), ReadOnly = readOnly });
        return new DatabaseSession(data, log, new LiteDatabase(engine, mapper));
    }

    public void Dispose()
    {
        Database.Dispose();
        _log.Dispose();
        _data.Dispose();
    }
}
