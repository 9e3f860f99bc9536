using LiteDB;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store;

/// <summary>
/// The executions shims served and dropped whole, kept beside the records so that <c>tap stats</c> and <c>tap list</c>
/// can say exactly what was never recorded. One entry per lost execution id (a replayed report, or a second report of
/// the same execution, counts it once); an execution that has a record is not lost, whichever arrived first. Always
/// written inside the record writer's transaction.
/// </summary>
internal static class ShimLossBook
{
    // Handshake counts, per shim process, latest wins: the only collection files written before Loss reports have.
    private const string HandshakeCollection = "shim_losses";
    private const string ReportCollection = "loss_reports";
    private const string LostCollection = "lost_executions";

    /// <returns>The Loss reports not stored before (a replayed one is stored once); handshake counts are not among them.</returns>
    /// <summary>
    /// Creates the book's collections if the file has none yet (an index on a field each one holds creates it), so that
    /// no commit ever creates one while a reader runs (RecordStore, at open).
    /// </summary>
    public static void CreateCollections(LiteDatabase database)
    {
        database.GetCollection(HandshakeCollection).EnsureIndex("reported_at");
        database.GetCollection(ReportCollection).EnsureIndex("reported_at");
        database.GetCollection(LostCollection).EnsureIndex("report");
    }

    public static List<StoredLoss> Save(LiteDatabase database, ILiteCollection<ExecutionRecord> executions, IReadOnlyList<ShimLossReport> reports)
    {
        var stored = new List<StoredLoss>();
        foreach (var report in reports)
        {
            var who = Describe(report);
            if (report.ReportId is not { } reportId)
            {
                who["_id"] = $"{report.Client.Host}/{report.Client.Process}/{report.Client.ProcessId}";
                who["dropped"] = report.Uncounted;
                database.GetCollection(HandshakeCollection).Upsert(who);
                continue;
            }

            who["_id"] = reportId;
            who["executions"] = report.ExecutionIds.Count;
            who["uncounted"] = report.Uncounted;
            var isNew = database.GetCollection(ReportCollection).Upsert(who);
            var lost = database.GetCollection(LostCollection);
            var lostNow = report.Uncounted;
            foreach (var id in report.ExecutionIds)
            {
                if (executions.FindById(id) is null)
                {
                    var entry = Describe(report);
                    entry["_id"] = id;
                    entry["report"] = reportId;
                    lostNow += lost.Upsert(entry) ? 1 : 0;
                }
            }

            if (isNew)
            {
                stored.Add(new StoredLoss(report.Reason, report.Client.Gateway, lostNow));
            }
        }

        return stored;
    }

    /// <summary>Executions just recorded are no longer lost.</summary>
    public static void Forget(LiteDatabase database, IReadOnlyList<ExecutionRecord> recorded)
    {
        if (recorded.Count == 0 || !database.CollectionExists(LostCollection))
        {
            return;
        }

        // Nearly always empty: one look instead of a delete per record, each a walk of the id index.
        var lost = database.GetCollection(LostCollection);
        if (!lost.Exists(Query.All()))
        {
            return;
        }

        foreach (var record in recorded)
        {
            lost.Delete(record.Id);
        }
    }

    /// <summary>What was never recorded, reported within the window's Since/Until and for its gateway (Client), by gateway and reason.</summary>
    public static List<LossCount> Count(LiteDatabase database, RecordQuery window)
    {
        var counts = new Dictionary<(string Gateway, string Reason), long>();
        void Add(BsonDocument entry, long count)
        {
            var gateway = entry["gateway"].IsString && entry["gateway"].AsString.Length > 0 ? entry["gateway"].AsString : "-";
            var at = entry["reported_at"].AsDateTime.ToUniversalTime();
            if (count > 0 && (window.Client is null || window.Client == gateway)
                && (window.Since is not { } since || at >= RecordFilter.Utc(since))
                && (window.Until is not { } until || at < RecordFilter.Utc(until)))
            {
                var key = (gateway, entry["reason"].AsString);
                counts[key] = counts.GetValueOrDefault(key) + count;
            }
        }

        foreach (var entry in All(database, LostCollection))
        {
            Add(entry, 1);
        }

        foreach (var report in All(database, ReportCollection))
        {
            Add(report, report["uncounted"].AsInt64);
        }

        foreach (var shim in All(database, HandshakeCollection))
        {
            // Written before reasons were kept: a handshake count has no reason field.
            shim["reason"] = ShimLossReport.HandshakeReason;
            Add(shim, shim["dropped"].AsInt64);
        }

        return [.. counts
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key.Gateway, StringComparer.Ordinal).ThenBy(c => c.Key.Reason, StringComparer.Ordinal)
            .Select(c => new LossCount { Gateway = c.Key.Gateway, Reason = c.Key.Reason, Count = c.Value })];
    }

    private static IEnumerable<BsonDocument> All(LiteDatabase database, string collection) =>
        database.CollectionExists(collection) ? database.GetCollection(collection).FindAll() : [];

    private static BsonDocument Describe(ShimLossReport report) => new()
    {
        ["reason"] = report.Reason,
        ["gateway"] = report.Client.Gateway,
        ["host"] = report.Client.Host,
        ["process"] = report.Client.Process,
        ["process_id"] = report.Client.ProcessId,
        ["instance"] = report.Instance is { } instance ? new BsonValue(instance) : BsonValue.Null,
        ["reported_at"] = report.At,
    };
}
