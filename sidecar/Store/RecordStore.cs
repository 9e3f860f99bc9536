using LiteDB;

namespace Tap.Sidecar.Store;

/// <summary>
/// The one LiteDB database of the process over the record file. In direct mode LiteDB shares the file for reading
/// but coordinates nothing across processes, so a reader beside a running writer may see a stale or torn state:
/// while the sidecar runs, the CLI reads through it (the control endpoint) rather than opening the file.
/// </summary>
internal sealed class RecordStore : IDisposable
{
    private const string CollectionName = "executions";
    private static readonly List<LiteDatabase> Retired = [];
    private readonly ConnectionString _connection;
    private LiteDatabase _database;
    private ILiteCollection<ExecutionRecord> _executions;
    private volatile bool _faulted;

    public RecordStore(string path, bool readOnly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        if (!readOnly)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        }

        _connection = new ConnectionString
        {
            Filename = fullPath,
            Connection = ConnectionType.Direct,
            ReadOnly = readOnly,
        };
        (_database, _executions) = Open(_connection);
    }

    private static (LiteDatabase, ILiteCollection<ExecutionRecord>) Open(ConnectionString connection)
    {
        var readOnly = connection.ReadOnly;
        var database = new LiteDatabase(connection, CreateMapper());
        try
        {
            if (!readOnly)
            {
                // LiteDB 5 hands back local times unless this pragma is set. It is persisted in the file header,
                // so read-only openers (which cannot set it) read UTC too.
                database.UtcDate = true;
            }

            var executions = database.GetCollection<ExecutionRecord>(CollectionName);
            if (!readOnly)
            {
                EnsureIndexes(executions);
            }

            return (database, executions);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>The indexes the CLI's queries rely on; the benchmark's LiteDB baseline builds the same.</summary>
    internal static void EnsureIndexes(ILiteCollection<ExecutionRecord> executions)
    {
        executions.EnsureIndex(x => x.StartedAt);
        executions.EnsureIndex(x => x.Status);
        executions.EnsureIndex(x => x.Model);
        executions.EnsureIndex(x => x.RequestId);

        // Drives tap tail: records are written at End, long after an early start.
        executions.EnsureIndex(x => x.RecordedAt);
    }

    /// <summary>
    /// LiteDB 5's engine keeps the first I/O error (a full disk, an unwritable file) and rethrows it on every later
    /// call: the store reopens the file before the next save, so the writer's retries can succeed once space is back.
    /// </summary>
    private void ReopenIfFaulted()
    {
        if (!_faulted)
        {
            return;
        }

        // The faulted engine is never disposed and stays reachable for the life of the process: LiteDB 5.0.20 leaves
        // the failed transaction behind, and its finalizer throws "discarded page must be writable" (LiteDB issues
        // #2574, #2586), which would kill the sidecar. One retired engine costs a few hundred KiB per disk fault.
        lock (Retired)
        {
            Retired.Add(_database);
        }

        (_database, _executions) = Open(_connection);
        _faulted = false;
    }

    /// <summary>
    /// Stores a batch, and the shims' loss reports that came with it, in one transaction. By id, so a replayed execution
    /// is stored once, and a stored record is replaced only by a report with at least as much evidence
    /// (<see cref="RecordSupersession"/>).
    /// </summary>
    public void Save(IReadOnlyList<ExecutionRecord> batch) => Save(batch, []);

    /// <inheritdoc cref="Save(IReadOnlyList{ExecutionRecord})"/>
    public void Save(IReadOnlyList<ExecutionRecord> batch, IReadOnlyList<ShimLossReport> losses)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(losses);
        if (batch.Count == 0 && losses.Count == 0)
        {
            return;
        }

        ReopenIfFaulted();
        try
        {
            if (!_database.BeginTrans())
            {
                throw new InvalidOperationException("A transaction is already open on this thread.");
            }

            _executions.Upsert(RecordSupersession.Resolve(_executions, batch));
            ShimLossBook.Forget(_database, batch);
            ShimLossBook.Save(_database, _executions, losses);
            _database.Commit();
        }
        catch (Exception ex)
        {
            _faulted = ex is IOException or LiteException;
            try
            {
                _database.Rollback();
            }
            catch (Exception rollback) when (rollback is IOException or LiteException)
            {
                // A faulted engine rethrows its first error here too; the save's own error is the one to report.
            }

            throw;
        }
    }

    /// <summary>
    /// Executions newest first. The StartedAt index drives the query (the Since range and the order), so the
    /// first <see cref="RecordQuery.Limit"/> matches are read without a sort.
    /// </summary>
    public IReadOnlyList<ExecutionRecord> Query(RecordQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
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

    public long Count() => _executions.LongCount();

    private static bool Matches(string id, string text) =>
        id.StartsWith(text, StringComparison.Ordinal) || id.EndsWith(text, StringComparison.Ordinal);

    /// <summary>How many executions match <paramref name="query"/>, ignoring its limit and order.</summary>
    public long Count(RecordQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Filter(query).LongCount();
    }

    /// <summary>Every execution matching <paramref name="query"/> in its order, ignoring its limit, read lazily.</summary>
    public IEnumerable<ExecutionRecord> Scan(RecordQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return BuildQuery(query).ToEnumerable();
    }

    /// <summary>The other attempts of a request, by attempt number; at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<ExecutionRecord> Attempts(string requestId, Guid exceptId, int limit)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return [.. _executions.Find(LiteDB.Query.EQ(nameof(ExecutionRecord.RequestId), requestId))
            .Where(r => r.Id != exceptId)
            .OrderBy(r => r.Attempt)
            .ThenBy(r => r.StartedAt)
            .Take(limit)];
    }

    /// <summary>Deletes (or with <paramref name="dryRun"/> only counts) the executions started before <paramref name="before"/>.</summary>
    public long DeleteStartedBefore(DateTime before, bool dryRun = false)
    {
        var term = BsonExpression.Create("$.StartedAt < @0", new BsonValue(RecordFilter.Utc(before)));
        return dryRun ? _executions.LongCount(term) : _executions.DeleteMany(term);
    }

    /// <summary>The start time of the execution after the <paramref name="skip"/> oldest: where size-based retention cuts.</summary>
    public DateTime? StartOfOldest(int skip)
    {
        var oldest = _executions.Query().OrderBy(x => x.StartedAt).Select(x => x.StartedAt).Skip(skip).Limit(1).ToList();
        return oldest.Count == 0 ? null : oldest[0];
    }

    /// <summary>Writes the -log file into the data file, so the log cannot grow without bound.</summary>
    public void Checkpoint() => _database.Checkpoint();

    /// <summary>Served executions that were never recorded, as the shims reported them, by gateway and reason (<see cref="ShimLossBook"/>).</summary>
    public List<LossCount> ShimLosses(RecordQuery window) => ShimLossBook.Count(_database, window);

    public void Dispose() => _database.Dispose();

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
            (RecordSort.Recorded, false) => queryable.OrderByDescending(x => x.RecordedAt),
            (RecordSort.Recorded, true) => queryable.OrderBy(x => x.RecordedAt),
            (_, true) => queryable.OrderBy(x => x.StartedAt),
            _ => queryable.OrderByDescending(x => x.StartedAt),
        };
    }

    internal static BsonMapper CreateMapper() => new()
    {
        // The defaults trim strings and turn "" into null: responses must round-trip byte for byte.
        TrimWhitespace = false,
        EmptyStringToNull = false,
    };
}
