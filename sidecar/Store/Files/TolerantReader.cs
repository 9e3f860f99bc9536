using LiteDB;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store.Files;

/// <summary>
/// Reads a possibly damaged database record by record, read-only: LiteDB closes its engine at the first page it
/// finds inconsistent, so each failure is noted and the file opened again, and the next record is tried.
/// </summary>
internal sealed class TolerantReader(string path) : IDisposable
{
    private const string CollectionName = "executions";
    private DatabaseSession? _session;

    /// <summary>Every id the primary key index yields, walked both ways (a broken link stops one walk, not the other).</summary>
    public HashSet<Guid> Ids(List<string> problems)
    {
        var ids = new HashSet<Guid>();
        foreach (var order in new[] { "ASC", "DESC" })
        {
            try
            {
                foreach (var doc in Session().Database.Execute($"SELECT $._id FROM {CollectionName} ORDER BY $._id {order}").ToEnumerable())
                {
                    ids.Add(doc["_id"].AsGuid);
                }
            }
            catch (Exception exception)
            {
                problems.Add($"walking the primary key index ({order}) stopped after {ids.Count} ids: {Line(exception)}");
                Reset();
            }
        }

        return ids;
    }

    public ExecutionRecord? TryRead(Guid id, out string? error)
    {
        try
        {
            error = null;
            var record = Session().Database.GetCollection<ExecutionRecord>(CollectionName).FindById(id);
            if (record is null)
            {
                error = "listed by the index, but not found";
            }

            return record;
        }
        catch (Exception exception)
        {
            error = Line(exception);
            Reset();
            return null;
        }
    }

    /// <summary>Each secondary index must hold one entry per record.</summary>
    public void CheckIndexes(long records, List<string> problems)
    {
        List<string> fields;
        try
        {
            fields = [.. Session().Database.Execute($"SELECT $.name FROM $indexes WHERE $.collection = '{CollectionName}'")
                .ToEnumerable().Select(d => d["name"].AsString).Where(name => name != "_id")];
        }
        catch (Exception exception)
        {
            problems.Add("the index list is unreadable: " + Line(exception));
            Reset();
            return;
        }

        foreach (var field in fields)
        {
            try
            {
                var entries = Session().Database.Execute($"SELECT COUNT(*) AS n FROM {CollectionName} WHERE $.{field} >= MINVALUE()")
                    .ToEnumerable().Single()["n"].AsInt64;
                if (entries != records)
                {
                    problems.Add($"index {field} holds {entries} entries for {records} readable records");
                }
            }
            catch (Exception exception)
            {
                problems.Add($"index {field} is unreadable: {Line(exception)}");
                Reset();
            }
        }
    }

    public void Dispose() => Reset();

    private DatabaseSession Session() => _session ??= DatabaseSession.OpenReader(path, RecordStore.CreateMapper());

    // A closed engine's Dispose can wait on its write queue; a reader never queued a write, so this returns.
    private void Reset()
    {
        try
        {
            _session?.Dispose();
        }
        catch (Exception)
        {
            // The damaged engine's own complaint on close; the failure that mattered is already noted.
        }

        _session = null;
    }

    private static string Line(Exception exception) => exception.Message.ReplaceLineEndings(" ");
}
