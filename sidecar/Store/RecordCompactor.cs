using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store;

/// <summary>
/// Compacts by copying: every execution into a new file, which then holds no free pages, and then every document kept
/// beside them (the shims' loss reports, so the new file still says what was never recorded). LiteDB 5.0.20's own
/// Rebuild() fails on the indexed executions collection ("Detected loop in FindAll"; see docs/operations.md and
/// CompactionTests), so this is the supported way to shrink the file.
/// </summary>
internal static class RecordCompactor
{
    /// <summary>Records per page and per transaction: a page with raw chunks must stay under the control endpoint's answer limit.</summary>
    public const int BatchSize = 100;

    /// <summary>Copies every execution of <paramref name="source"/> into the new file <paramref name="newPath"/>; returns how many.</summary>
    /// <exception cref="IOException"><paramref name="newPath"/> already exists.</exception>
    public static async Task<long> CopyAsync(IRecordSource source, string newPath, Action<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (File.Exists(newPath))
        {
            throw new IOException($"{newPath} already exists: compaction writes a new file and never overwrites one.");
        }

        // Asked first: a source that cannot name them refuses before the new file exists.
        var sideCollections = await source.SideCollectionsAsync(cancellationToken);
        using var target = new RecordStore(newPath);
        var batch = new List<ExecutionRecord>(BatchSize);
        long copied = 0;
        await foreach (var record in RecordPager.ReadAllAsync(source, new RecordQuery { IncludeRawChunks = true }, BatchSize, cancellationToken))
        {
            batch.Add(record);
            if (batch.Count == BatchSize)
            {
                target.Save(batch);
                copied += batch.Count;
                batch.Clear();
                progress?.Invoke(copied);
            }
        }

        target.Save(batch);
        copied += batch.Count;
        progress?.Invoke(copied);
        foreach (var collection in sideCollections)
        {
            await CopySideCollectionAsync(source, target, collection, cancellationToken);
        }

        target.Checkpoint();
        return copied;
    }

    private static async Task CopySideCollectionAsync(IRecordSource source, RecordStore target, string collection, CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await source.SideDocumentsAsync(collection, after, IRecordSource.MaxSideDocuments, cancellationToken);
            target.SaveSideDocuments(collection, page);
            if (page.Count < IRecordSource.MaxSideDocuments)
            {
                return;
            }

            after = LiteDB.JsonSerializer.Serialize(LiteDB.JsonSerializer.Deserialize(page[^1])["_id"]);
        }
    }
}
