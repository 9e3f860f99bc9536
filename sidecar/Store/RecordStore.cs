using LiteDB;

namespace Tap.Sidecar.Store;

/// <summary>
/// The one LiteDB database of the process over the record file. LiteDB opens the file exclusively (direct
/// mode), so a running sidecar owns it and every reader of the same file must be this process.
/// </summary>
internal sealed class RecordStore : IDisposable
{
    private const string CollectionName = "executions";

    private readonly LiteDatabase _database;
    private readonly ILiteCollection<ExecutionRecord> _executions;

    public RecordStore(string path, bool readOnly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        if (!readOnly)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        }

        var connection = new ConnectionString
        {
            Filename = fullPath,
            Connection = ConnectionType.Direct,
            ReadOnly = readOnly,
        };
        _database = new LiteDatabase(connection, CreateMapper());
        try
        {
            if (!readOnly)
            {
                // LiteDB 5 hands back local times unless this pragma is set. It is persisted in the file header,
                // so read-only openers (which cannot set it) read UTC too.
                _database.UtcDate = true;
            }

            _executions = _database.GetCollection<ExecutionRecord>(CollectionName);
            if (!readOnly)
            {
                _executions.EnsureIndex(x => x.StartedAt);
                _executions.EnsureIndex(x => x.Status);
                _executions.EnsureIndex(x => x.Model);
                _executions.EnsureIndex(x => x.RequestId);
            }
        }
        catch
        {
            _database.Dispose();
            throw;
        }
    }

    /// <summary>Stores a batch in one transaction. Upsert by id, so a replayed execution is stored once.</summary>
    public void Save(IReadOnlyList<ExecutionRecord> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        if (!_database.BeginTrans())
        {
            throw new InvalidOperationException("A transaction is already open on this thread.");
        }

        try
        {
            _executions.Upsert(batch);
            _database.Commit();
        }
        catch
        {
            _database.Rollback();
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

    /// <summary>Finds an execution by its full id, or by a unique prefix of its "N" or "D" text.</summary>
    /// <exception cref="AmbiguousIdException">The prefix matches more than one execution.</exception>
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
            .Where(candidate => candidate.ToString("N").StartsWith(prefix, StringComparison.Ordinal)
                || candidate.ToString("D").StartsWith(prefix, StringComparison.Ordinal))
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

    public void Dispose() => _database.Dispose();

    private ILiteQueryable<ExecutionRecord> BuildQuery(RecordQuery query)
    {
        var queryable = _executions.Query();
        if (query.Since is { } since)
        {
            // LiteDB converts an Unspecified time as if it were local; RecordQuery.Since is UTC.
            var utc = since.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(since, DateTimeKind.Utc) : since.ToUniversalTime();
            queryable = queryable.Where(BsonExpression.Create("$.StartedAt >= @0", new BsonValue(utc)));
        }

        var residual = new List<string>();
        var parameters = new List<BsonValue>();
        if (query.Status is { } status)
        {
            parameters.Add(status);
            residual.Add($"$.Status = @{parameters.Count - 1}");
        }

        if (query.Model is { } model)
        {
            parameters.Add(model);
            residual.Add($"$.Model = @{parameters.Count - 1}");
        }

        if (residual.Count > 0)
        {
            // LiteDB splits AND terms and seeks the cheapest equality index (Status), then sorts every match in
            // memory. Wrapped as "(...) = true" the filters match no index and stay residual on the StartedAt walk.
            queryable = queryable.Where(BsonExpression.Create($"({string.Join(" AND ", residual)}) = true", [.. parameters]));
        }

        return queryable.OrderByDescending(x => x.StartedAt);
    }

    private static BsonMapper CreateMapper() => new()
    {
        // The defaults trim strings and turn "" into null: responses must round-trip byte for byte.
        TrimWhitespace = false,
        EmptyStringToNull = false,
    };
}
