using LiteDB;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store.Files;

namespace Tap.Sidecar.Store;

/// <summary>
/// The one LiteDB database of the process over the record file. In direct mode LiteDB shares the file for reading
/// but coordinates nothing across processes, so a reader beside a running writer may see a stale or torn state:
/// while the sidecar runs, the CLI reads through it (the control endpoint) rather than opening the file, and a
/// writer holds the file's lock (<see cref="DatabaseLock"/>). A writer's save returns once its records are on disk.
/// </summary>
internal sealed class RecordStore : IDisposable
{
    private const string CollectionName = "executions";

    /// <summary>Small state documents of the sidecar's own (the span export's cursor), by name.</summary>
    private const string CursorCollectionName = "cursors";

    /// <summary>Log pages after which a save checkpoints the log into the data file (LiteDB's own default, 8 MiB).</summary>
    private const int CheckpointPages = 1000;

    private static readonly List<DatabaseSession> Retired = [];
    private readonly string _path;
    private readonly bool _readOnly;

    // Every write, and every reopen: a save waits for its pages to reach the disk before the next write begins, so a
    // checkpoint (which waits for LiteDB's write queue) never meets a queue whose writer died on a full disk.
    private readonly Lock _writeGate = new();
    private volatile DatabaseSession _session;
    private volatile LiteDatabase _database;
    private volatile ILiteCollection<ExecutionRecord> _executions;
    private volatile bool _faulted;
    private bool _disposed;

    // The highest Commit saved; written under the write gate once a save is on disk.
    private long _lastCommit;

    /// <summary>Opens (a writer: creates when missing or empty) the database at <paramref name="path"/>.</summary>
    /// <exception cref="DatabaseRefusedException">The file is not a LiteDB database, or is damaged; it is left untouched.</exception>
    public RecordStore(string path, bool readOnly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _readOnly = readOnly;
        var (state, reason) = DatabaseHeader.Inspect(_path);
        if (state is DatabaseHeader.State.Foreign or DatabaseHeader.State.Damaged)
        {
            throw new DatabaseRefusedException(DatabaseRefusal.Unusable, reason!);
        }

        if (readOnly && state == DatabaseHeader.State.New)
        {
            throw new DatabaseRefusedException(DatabaseRefusal.Unusable, $"{_path} holds no database yet");
        }

        if (state == DatabaseHeader.State.Valid)
        {
            // Read-only first: LiteDB marks a file it finds damaged for rebuild, which a reader's streams refuse.
            Probe(_path);
        }

        if (!readOnly)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        }

        (_session, _database, _executions) = Open();
        if (!readOnly)
        {
            _lastCommit = _executions.Query().OrderByDescending(x => x.Commit).Select(x => x.Commit).Limit(1).ToList() is [var last] ? last : 0;
        }
    }

    /// <summary>The <see cref="ExecutionRecord.Commit"/> of the latest save that is on disk.</summary>
    public long LastCommit => Interlocked.Read(ref _lastCommit);

    /// <summary>Whether a database a writer would open is readable: its collection counts and its newest records.</summary>
    private static void Probe(string path)
    {
        try
        {
            using var session = DatabaseSession.OpenReader(path, CreateMapper());
            var executions = session.Database.GetCollection<ExecutionRecord>(CollectionName);
            _ = executions.LongCount();
            _ = executions.Query().OrderByDescending(x => x.StartedAt).Limit(1).ToList();
            if (HasCommitIndex(session.Database))
            {
                _ = executions.Query().OrderByDescending(x => x.Commit).Limit(1).ToList();
            }
            _ = ShimLossBook.Count(session.Database, new RecordQuery());
        }
        catch (Exception exception) when (exception is not DatabaseRefusedException and not UnauthorizedAccessException)
        {
            // Not only LiteException: a damaged page decodes to whatever its bytes say (ArgumentOutOfRangeException
            // for an impossible date, InvalidCastException, OverflowException).
            throw new DatabaseRefusedException(
                DatabaseRefusal.Unusable,
                $"{path} is damaged: {exception.Message.ReplaceLineEndings(" ")} (tap check tells more; tap compact --salvage copies what is readable)",
                exception);
        }
    }

    private (DatabaseSession, LiteDatabase, ILiteCollection<ExecutionRecord>) Open()
    {
        var session = _readOnly ? DatabaseSession.OpenReader(_path, CreateMapper()) : DatabaseSession.OpenWriter(_path, CreateMapper());
        try
        {
            var database = session.Database;
            if (!_readOnly)
            {
                // LiteDB 5 hands back local times unless this pragma is set. It is persisted in the file header,
                // so read-only openers (which cannot set it) read UTC too. Set only when unset: each set is a write.
                if (!database.UtcDate)
                {
                    database.UtcDate = true;
                }

                // LiteDB's own checkpoint runs inside a commit and waits for its write queue without a timeout: on a
                // full disk that queue's writer is dead, so it waited forever holding the exclusive lock (issue 11).
                // Saves checkpoint themselves once their pages are on disk.
                if (database.CheckpointSize != 0)
                {
                    database.CheckpointSize = 0;
                }
            }

            var executions = database.GetCollection<ExecutionRecord>(CollectionName);
            if (!_readOnly)
            {
                EnsureIndexes(executions);

                // LiteDB 5.0.20 races a reader against a transaction that creates a collection (litedb-org/LiteDB#2792,
                // "page type must be collection page"; #2891): the writer's first loss report or cursor, created while
                // `tap stats` read, failed its commit. Every collection the writer fills exists before any reader runs.
                ShimLossBook.CreateCollections(database);
                database.GetCollection(CursorCollectionName).EnsureIndex("Commit");
            }

            return (session, database, executions);
        }
        catch
        {
            Retire(session);
            throw;
        }
    }

    /// <summary>
    /// The indexes the CLI's queries and span export rely on; the benchmark's LiteDB baseline builds the same. Each costs about a tenth of a
    /// record's insert (docs/benchmarks.md, "Store"). Files written before also hold Status, Model and RecordedAt indexes, which no query
    /// uses (<see cref="RecordFilter"/> keeps equality filters residual on purpose); they are left as they are, and a
    /// compacted copy no longer has them.
    /// </summary>
    internal static void EnsureIndexes(ILiteCollection<ExecutionRecord> executions)
    {
        executions.EnsureIndex(x => x.StartedAt);

        // Drives tap show's other attempts of a request.
        executions.EnsureIndex(x => x.RequestId);

        // Drives span export and tap tail: records in the order they were committed (docs/telemetry.md), which is the
        // order they were recorded in. A RecordedAt index would cost every insert as much again (docs/benchmarks.md).
        executions.EnsureIndex(x => x.Commit);
    }

    /// <summary>
    /// LiteDB 5's engine closes itself on the first I/O error (a full disk, an unwritable file) and rethrows it on
    /// every later call: the store opens the file anew before the next write, so the writer's retries succeed once
    /// space is back. The new engine ignores the failed transaction's pages in the log (never confirmed).
    /// </summary>
    private void ReopenIfFaulted()
    {
        if (!_faulted && _session.Log?.Failure is null)
        {
            return;
        }

        Retire(_session);
        (_session, _database, _executions) = Open();
        _faulted = false;
    }

    // A faulted engine is never disposed and stays reachable for the life of the process: LiteDB 5.0.20 leaves the
    // failed transaction behind, and its finalizer throws "discarded page must be writable" (LiteDB issues #2574,
    // #2586), which would kill the sidecar; and its Dispose waits for a write queue whose writer died. One retired
    // engine costs a few hundred KiB per disk fault.
    private static void Retire(DatabaseSession session)
    {
        lock (Retired)
        {
            Retired.Add(session);
        }
    }

    /// <summary>
    /// A read that meets an engine a failed write closed (a full disk) reopens the file (opening writes nothing) and
    /// tries again, so readers on the control endpoint keep their answers while the writer retries.
    /// </summary>
    private T Read<T>(Func<T> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            RecoverForRead();
            var database = _database;
            try
            {
                return read();
            }
            catch (Exception ex) when (attempt < ReadAttempts && ex is IOException or LiteException or ObjectDisposedException
                && (Faulted || !ReferenceEquals(database, _database)))
            {
                _faulted = true;
            }
        }
    }

    private const int ReadAttempts = 5;

    private bool Faulted => _faulted || _session.Log?.Failure is not null;

    // Waits briefly for a write in progress (milliseconds on a full disk); a stalled disk makes the read fail instead.
    internal void RecoverForRead()
    {
        if (!Faulted || !_writeGate.TryEnter(TimeSpan.FromSeconds(2)))
        {
            return;
        }

        try
        {
            ReopenIfFaulted();
        }
        catch (Exception ex) when (ex is IOException or LiteException or ObjectDisposedException)
        {
            // Still failing: the read reports it.
        }
        finally
        {
            _writeGate.Exit();
        }
    }

    /// <summary>
    /// Under the write gate: runs a write of LiteDB's (an auto-transaction), waits until it is on disk, and checkpoints
    /// a large log as a save does. In the sidecar its writes (purge, retention) run on <see cref="RecordWriter"/>.
    /// </summary>
    private T Durably<T>(Func<T> write)
    {
        ThrowIfReadOnly();
        using var writing = _writeGate.EnterScope();
        ReopenIfFaulted();
        var generation = _session.Log!.Generation;
        T result;
        try
        {
            result = write();
        }
        catch (Exception ex)
        {
            _faulted |= ex is IOException or LiteException or ObjectDisposedException;
            throw;
        }

        CheckpointIfLarge(WaitDurable(generation));
        return result;
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("This store was opened to read: it never writes.");
        }
    }

    // Returns the log's end it waited for, which also decides the checkpoint: asking LiteDB is a query of its $database
    // collection (12-22 µs), asked once per save.
    /// <exception cref="IOException">The commit's pages could not be written: they are not in the file.</exception>
    private long WaitDurable(long generation)
    {
        try
        {
            var end = LogLength();
            _session.Log!.WaitDurable(generation, end);
            return end;
        }
        catch (Exception ex) when (ex is IOException or LiteException or ObjectDisposedException)
        {
            _faulted = true;
            throw;
        }
    }

    // What LiteDB has queued for the log so far: the end this commit's pages are written up to.
    private long LogLength() => _database.Execute("SELECT logFileSize FROM $database").ToEnumerable().Single()["logFileSize"].AsInt64;

    // After a save is on disk, so its checkpoint waits for an empty write queue. A failed checkpoint loses nothing
    // (the log is cut only after the data file is synced): the next write reopens the file.
    private void CheckpointIfLarge(long logLength)
    {
        try
        {
            if (logLength > CheckpointPages * (long)DatabaseHeader.PageSize)
            {
                _database.Checkpoint();
            }
        }
        catch (Exception ex) when (ex is IOException or LiteException or ObjectDisposedException)
        {
            _faulted = true;
        }
    }

    /// <summary>
    /// Stores a batch, and the shims' loss reports that came with it, in one transaction, and returns once it is on
    /// disk. By id, so a replayed execution is stored once, and a stored record is replaced only by a report with at
    /// least as much evidence (<see cref="RecordSupersession"/>).
    /// </summary>
    /// <exception cref="IOException">The batch is not in the file (a full disk): retry; the next save reopens the file.</exception>
    public void Save(IReadOnlyList<ExecutionRecord> batch) => Save(batch, []);

    /// <inheritdoc cref="Save(IReadOnlyList{ExecutionRecord})"/>
    /// <returns>What the commit put in the database.</returns>
    public SavedBatch Save(IReadOnlyList<ExecutionRecord> batch, IReadOnlyList<ShimLossReport> losses)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(losses);
        if (batch.Count == 0 && losses.Count == 0)
        {
            return SavedBatch.Empty;
        }

        ThrowIfReadOnly();
        using var writing = _writeGate.EnterScope();
        ReopenIfFaulted();

        // Returning is the acknowledgement: only once the batch is on disk (LiteDB's Commit only queues it).
        var next = _lastCommit;
        var saved = SavedBatch.Empty;

        // Nearly every record is of a new execution: inserted at once, the id index's own uniqueness check finds the
        // few that are stored (a replay, a retried batch), and the batch is then resolved record by record. Looking each
        // id up first walked the id index twice per record.
        if (!HasRepeatedIds(batch))
        {
            try
            {
                var logLength = CommitDurably(() =>
                {
                    next = _lastCommit;
                    foreach (var record in batch)
                    {
                        record.Commit = ++next;
                    }

                    _executions.Insert(batch);
                    ShimLossBook.Forget(_database, batch);
                    saved = new SavedBatch([.. batch], [], ShimLossBook.Save(_database, _executions, losses));
                });
                Interlocked.Exchange(ref _lastCommit, next);
                CheckpointIfLarge(logLength);
                return saved;
            }
            catch (LiteException ex) when (ex.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                // Rolled back whole: some execution of the batch is stored already.
            }
        }

        var length = CommitDurably(() =>
        {
            next = _lastCommit;
            var stored = new Dictionary<Guid, ExecutionRecord?>();
            var resolution = RecordSupersession.Resolve(id => stored[id] = _executions.FindById(id), batch);
            foreach (var record in resolution.Write)
            {
                // A replacement is committed anew (span export sends the better report too); the same report saved again is not.
                record.Commit = stored.GetValueOrDefault(record.Id) is { } existing && RecordSupersession.IsSameReport(existing, record)
                    ? existing.Commit
                    : ++next;
            }

            // Each record's id was just looked up: inserting what is new and updating what is stored seeks the id
            // index once, where an upsert seeks it for the update and again for the insert.
            _executions.Insert(resolution.Write.Where(r => stored[r.Id] is null));
            _executions.Update(resolution.Write.Where(r => stored[r.Id] is not null));
            ShimLossBook.Forget(_database, batch);
            var newLosses = ShimLossBook.Save(_database, _executions, losses);
            saved = new SavedBatch([.. resolution.Write], resolution.Replaced, newLosses);
        });
        Interlocked.Exchange(ref _lastCommit, next);
        CheckpointIfLarge(length);
        return saved;
    }

    private static bool HasRepeatedIds(IReadOnlyList<ExecutionRecord> batch)
    {
        var ids = new HashSet<Guid>(batch.Count);
        foreach (var record in batch)
        {
            if (!ids.Add(record.Id))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>At most <paramref name="limit"/> records committed after <paramref name="commit"/>, in commit order.</summary>
    public IReadOnlyList<ExecutionRecord> CommittedAfter(long commit, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return Read<IReadOnlyList<ExecutionRecord>>(() => _executions.Query().Where(x => x.Commit > commit).OrderBy(x => x.Commit).Limit(limit).ToList());
    }

    /// <summary>The position a reader of commits (span export) saved under <paramref name="name"/>; null before its first save.</summary>
    public long? ReadCursor(string name) =>
        Read(() => _database.GetCollection(CursorCollectionName).FindById(name) is { } cursor ? cursor["Commit"].AsInt64 : (long?)null);

    /// <summary>Saves a reader's position durably; in the sidecar through <see cref="RecordWriter.WriteAsync"/>.</summary>
    public void SaveCursor(string name, long commit) =>
        Durably(() => _database.GetCollection(CursorCollectionName).Upsert(new BsonDocument { ["_id"] = name, ["Commit"] = commit }));

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, under the write gate the caller holds, and returns once it is
    /// on disk, with the log's end it waited for; on a store fault it rolls back, marks the engine faulted (to be reopened)
    /// and rethrows.
    /// </summary>
    private long CommitDurably(Action work)
    {
        var generation = _session.Log!.Generation;
        try
        {
            if (!_database.BeginTrans())
            {
                throw new InvalidOperationException("A transaction is already open on this thread.");
            }

            work();
            _database.Commit();
        }
        catch (Exception ex)
        {
            // A duplicate id is the batch's, not the engine's: the engine stays usable.
            _faulted = ex is IOException or ObjectDisposedException or LiteException { ErrorCode: not LiteException.INDEX_DUPLICATE_KEY };
            try
            {
                _database.Rollback();
            }
            catch (Exception rollback) when (rollback is IOException or LiteException or ObjectDisposedException)
            {
                // A faulted engine rethrows its first error here too; the transaction's own error is the one to report.
            }

            throw;
        }

        return WaitDurable(generation);
    }

    /// <summary>
    /// Executions newest first. The StartedAt index drives the query (the Since range and the order), so the
    /// first <see cref="RecordQuery.Limit"/> matches are read without a sort.
    /// </summary>
    public IReadOnlyList<ExecutionRecord> Query(RecordQuery query)
    {
        RecoverForRead();
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        if (query.CommittedAfter is not null && !HasCommitIndex(_database))
        {
            // Written only by a Tap from before commits were numbered: none of its records has one.
            return [];
        }

        return BuildQuery(query).Limit(query.Limit).ToList();
    }

    /// <summary>The query plan LiteDB chose for <paramref name="query"/>, for tests and diagnostics.</summary>
    public BsonDocument Explain(RecordQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return BuildQuery(query).Limit(query.Limit).GetPlan();
    }

    /// <summary>
    /// Finds an execution by its full id, or by a unique prefix or suffix of its "N" or "D" text. The suffix is what
    /// <c>tap list</c> shows: the shim's ids are UUIDv7, whose first digits are a timestamp shared by a minute of executions.
    /// </summary>
    /// <exception cref="AmbiguousIdException">The text matches more than one execution.</exception>
    public ExecutionRecord? Find(string idOrPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        return Read(() => FindNow(idOrPrefix));
    }

    private ExecutionRecord? FindNow(string idOrPrefix)
    {
        var text = idOrPrefix.Trim();
        if (Guid.TryParse(text, out var id))
        {
            return _executions.FindById(id);
        }

        // Guids sort by value, not by text, so no index range covers a text prefix. Selecting only _id lets LiteDB
        // answer from the primary key index without loading a document.
        var prefix = text.ToLowerInvariant();
        var matches = _database
            .Execute($"SELECT $._id FROM {CollectionName}")
            .ToEnumerable()
            .Select(doc => doc["_id"].AsGuid)
            .Where(candidate => Matches(candidate.ToString("N"), prefix) || Matches(candidate.ToString("D"), prefix))
            .Take(AmbiguousIdException.MatchesShown)
            .ToList();
        return matches.Count switch
        {
            0 => null,
            1 => _executions.FindById(matches[0]),
            _ => throw new AmbiguousIdException(text, matches),
        };
    }

    public long Count() => Read(() => _executions.LongCount());

    private static bool Matches(string id, string text) =>
        id.StartsWith(text, StringComparison.Ordinal) || id.EndsWith(text, StringComparison.Ordinal);

    /// <summary>How many executions match <paramref name="query"/>, ignoring its limit and order.</summary>
    public long Count(RecordQuery query)
    {
        RecoverForRead();
        ArgumentNullException.ThrowIfNull(query);
        return Filter(query).LongCount();
    }

    /// <summary>Every execution matching <paramref name="query"/> in its order, ignoring its limit, read lazily.</summary>
    public IEnumerable<ExecutionRecord> Scan(RecordQuery query)
    {
        RecoverForRead();
        ArgumentNullException.ThrowIfNull(query);
        return BuildQuery(query).ToEnumerable();
    }

    /// <summary>The other attempts of a request, by attempt number; at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<ExecutionRecord> Attempts(string requestId, Guid exceptId, int limit)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return Read<IReadOnlyList<ExecutionRecord>>(() => [.. _executions.Find(LiteDB.Query.EQ(nameof(ExecutionRecord.RequestId), requestId))
            .Where(r => r.Id != exceptId)
            .OrderBy(r => r.Attempt)
            .ThenBy(r => r.StartedAt)
            .Take(limit)]);
    }

    /// <summary>Deletes (or with <paramref name="dryRun"/> only counts) the executions started before <paramref name="before"/>.</summary>
    public long DeleteStartedBefore(DateTime before, bool dryRun = false)
    {
        var term = BsonExpression.Create("$.StartedAt < @0", new BsonValue(RecordFilter.Utc(before)));
        return dryRun ? Read(() => _executions.LongCount(term)) : Durably(() => _executions.DeleteMany(term));
    }

    /// <summary>Records one transaction of <see cref="Rewrite"/> changes at most: each is on disk before the next begins.</summary>
    private const int RewriteBatch = 500;

    /// <summary>
    /// Applies <paramref name="change"/> to every execution matching <paramref name="query"/> and stores those it changed
    /// (it returns true for them), in transactions of <see cref="RewriteBatch"/> that are each on disk before the next.
    /// Under the write gate, reading and writing each record in one transaction, so no report the writer saves meanwhile
    /// is overwritten by an older copy. With <paramref name="dryRun"/> nothing is written.
    /// </summary>
    public (long Matched, long Changed) Rewrite(RecordQuery query, Func<ExecutionRecord, bool> change, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(change);
        if (dryRun)
        {
            return Read(() =>
            {
                long matched = 0, changed = 0;
                foreach (var record in Filter(query).ToEnumerable())
                {
                    matched++;
                    changed += change(record) ? 1 : 0;
                }

                return (matched, changed);
            });
        }

        ThrowIfReadOnly();
        using var writing = _writeGate.EnterScope();
        ReopenIfFaulted();
        var ids = Filter(query).Select(x => x.Id).ToList();
        long total = 0;
        long logLength = 0;
        foreach (var chunk in ids.Chunk(RewriteBatch))
        {
            logLength = CommitDurably(() =>
            {
                foreach (var id in chunk)
                {
                    if (_executions.FindById(id) is { } record && change(record))
                    {
                        _executions.Update(record);
                        total++;
                    }
                }
            });
        }

        CheckpointIfLarge(logLength);
        return (ids.Count, total);
    }

    /// <summary>The start time of the execution after the <paramref name="skip"/> oldest: where size-based retention cuts.</summary>
    public DateTime? StartOfOldest(int skip)
    {
        var oldest = Read(() => _executions.Query().OrderBy(x => x.StartedAt).Select(x => x.StartedAt).Skip(skip).Limit(1).ToList());
        return oldest.Count == 0 ? null : oldest[0];
    }

    /// <summary>Writes the -log file into the data file, so the log cannot grow without bound.</summary>
    public void Checkpoint()
    {
        using var writing = _writeGate.EnterScope();
        ReopenIfFaulted();
        try
        {
            _database.Checkpoint();
        }
        catch (Exception ex) when (ex is IOException or LiteException or ObjectDisposedException)
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>Served executions that were never recorded, as the shims reported them, by gateway and reason (<see cref="ShimLossBook"/>).</summary>
    public List<LossCount> ShimLosses(RecordQuery window) => Read(() => ShimLossBook.Count(_database, window));

    /// <summary>
    /// The collections kept beside the executions (the shims' loss reports and whatever else the sidecar keeps there),
    /// which compaction copies as they are. Not the cursors: the copy numbers its records' commits anew, so a copied
    /// cursor would point into other records (docs/telemetry.md).
    /// </summary>
    public List<string> SideCollections() => Read(() => _database.GetCollectionNames()
        .Where(name => name != CollectionName && name != CursorCollectionName && !name.StartsWith('$'))
        .Order(StringComparer.Ordinal)
        .ToList());

    /// <summary>
    /// Up to <paramref name="limit"/> documents of a side collection after the id <paramref name="afterId"/> (null: from
    /// the first), in id order, each as LiteDB's JSON, which keeps every value's type.
    /// </summary>
    /// <exception cref="ArgumentException">No side collection has that name.</exception>
    public List<string> SideDocuments(string collection, string? afterId, int limit) => Read(() =>
    {
        if (!SideCollectionExists(collection))
        {
            throw new ArgumentException($"The database has no collection '{collection}' beside the executions.");
        }

        var documents = _database.GetCollection(collection).Query();
        if (afterId is not null)
        {
            documents = documents.Where(LiteDB.Query.GT("_id", JsonSerializer.Deserialize(afterId)));
        }

        return documents.OrderBy("_id").Limit(limit).ToEnumerable().Select(document => JsonSerializer.Serialize(document)).ToList();
    });

    /// <summary>Stores documents read with <see cref="SideDocuments"/> into the same collection here, by id, on disk before returning.</summary>
    public void SaveSideDocuments(string collection, IReadOnlyList<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (collection == CollectionName || collection.StartsWith('$'))
        {
            throw new ArgumentException($"'{collection}' is not a collection beside the executions.");
        }

        ThrowIfReadOnly();
        using var writing = _writeGate.EnterScope();
        ReopenIfFaulted();
        CommitDurably(() =>
        {
            var target = _database.GetCollection(collection);
            foreach (var json in documents)
            {
                target.Upsert(JsonSerializer.Deserialize(json).AsDocument);
            }
        });
    }

    private bool SideCollectionExists(string collection) =>
        collection != CollectionName && !collection.StartsWith('$') && _database.CollectionExists(collection);

    /// <summary>A writer checkpoints first, so a cleanly stopped database is one file again (LiteDB's own close no longer does).</summary>
    public void Dispose()
    {
        using var writing = _writeGate.EnterScope();
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_faulted || _session.Log?.Failure is not null)
        {
            Retire(_session);
            return;
        }

        var log = _session.Log;
        try
        {
            if (log is not null)
            {
                _database.Checkpoint();
            }
        }
        catch (Exception ex) when (ex is IOException or LiteException)
        {
            // The log keeps what the checkpoint could not move; the next open reads it.
        }

        var emptyLog = log is not null && log.Length == 0;
        _session.Dispose();

        // The lock (held by whoever opened this writer) makes this safe: no other writer uses the log.
        if (emptyLog)
        {
            File.Delete(DatabasePaths.Log(_path));
        }
    }

    private static bool HasCommitIndex(LiteDatabase database) =>
        database.GetCollection("$indexes").Find(BsonExpression.Create("collection = @0 AND name = @1", CollectionName, nameof(ExecutionRecord.Commit))).Any();

    private ILiteQueryable<ExecutionRecord> Filter(RecordQuery query)
    {
        var queryable = _executions.Query();
        foreach (var term in RecordFilter.Terms(query))
        {
            queryable = queryable.Where(term);
        }

        return queryable;
    }

    private ILiteQueryable<ExecutionRecord> BuildQuery(RecordQuery query)
    {
        var queryable = Filter(query);
        return (query.Sort, query.Ascending) switch
        {
            (RecordSort.Latency, false) => queryable.OrderByDescending(x => x.LatencyMs),
            (RecordSort.Latency, true) => queryable.OrderBy(x => x.LatencyMs),
            (RecordSort.Ttft, false) => queryable.OrderByDescending(x => x.TimeToFirstTokenMs),
            (RecordSort.Ttft, true) => queryable.OrderBy(x => x.TimeToFirstTokenMs),
            // A file only a Tap from before commits were numbered has written: its RecordedAt index orders it, not a sort of it all.
            (RecordSort.Recorded, var ascending) when !HasCommitIndex(_database) => ascending ? queryable.OrderBy(x => x.RecordedAt) : queryable.OrderByDescending(x => x.RecordedAt),
            (RecordSort.Recorded, false) => queryable.OrderByDescending(x => x.Commit),
            (RecordSort.Recorded, true) => queryable.OrderBy(x => x.Commit),
            (_, true) => queryable.OrderBy(x => x.StartedAt),
            _ => queryable.OrderByDescending(x => x.StartedAt),
        };
    }

    internal static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper
        {
            // The defaults trim strings and turn "" into null: responses must round-trip byte for byte.
            TrimWhitespace = false,
            EmptyStringToNull = false,
        };

        // Queries still resolve member names by reflection; the records themselves are mapped by hand (RecordBson).
        mapper.RegisterType(RecordBson.ToDocument, value => RecordBson.FromDocument(value.AsDocument));
        return mapper;
    }
}
