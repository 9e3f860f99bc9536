using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store.Files;

/// <summary>Copies every readable record of a (damaged) database into a new file; the source is only read.</summary>
internal static class RecordSalvager
{
    /// <returns>Records copied, and those that could not be read.</returns>
    /// <exception cref="IOException"><paramref name="target"/> already exists, or cannot be written.</exception>
    public static (long Copied, int Unreadable) Salvage(string source, string target)
    {
        if (File.Exists(target) || Directory.Exists(target))
        {
            throw new IOException($"{target} already exists: salvage writes a new file and never overwrites one.");
        }

        if (DatabaseHeader.Inspect(source) is { State: DatabaseHeader.State.New or DatabaseHeader.State.Foreign } refused)
        {
            throw new DatabaseRefusedException(DatabaseRefusal.Unusable, refused.Reason ?? $"{source} holds no database");
        }

        var problems = new List<string>();
        long copied = 0;
        var unreadable = 0;
        using var reader = new TolerantReader(source);
        using var store = new RecordStore(target);
        var batch = new List<ExecutionRecord>(RecordCompactor.BatchSize);
        var saved = new HashSet<Guid>();
        void Add(ExecutionRecord record)
        {
            if (!saved.Add(record.Id))
            {
                return;
            }

            batch.Add(record);
            if (batch.Count == RecordCompactor.BatchSize)
            {
                store.Save(batch);
                copied += batch.Count;
                batch.Clear();
            }
        }

        foreach (var id in reader.Ids(problems))
        {
            if (reader.TryRead(id, out _) is { } record)
            {
                Add(record);
            }
            else
            {
                unreadable++;
            }
        }

        // Records the indexes no longer lead to (a truncated file), read from the data pages themselves.
        var foundByScan = 0;
        foreach (var record in PageScanner.Records(source, RecordStore.CreateMapper()))
        {
            foundByScan += saved.Contains(record.Id) ? 0 : 1;
            Add(record);
        }

        store.Save(batch);
        return (copied + batch.Count, Math.Max(0, unreadable - foundByScan));
    }
}
