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
        foreach (var id in reader.Ids(problems))
        {
            if (reader.TryRead(id, out _) is not { } record)
            {
                unreadable++;
                continue;
            }

            batch.Add(record);
            if (batch.Count == RecordCompactor.BatchSize)
            {
                store.Save(batch);
                copied += batch.Count;
                batch.Clear();
            }
        }

        store.Save(batch);
        return (copied + batch.Count, unreadable);
    }
}
