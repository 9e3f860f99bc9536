using System.Buffers.Binary;

namespace Tap.Sidecar.Store.Files;

/// <summary>What <c>tap check</c> found in a database file.</summary>
internal sealed record CheckReport(string Path, string? Refused, long Readable, IReadOnlyList<string> Unreadable, int DamagedPages, IReadOnlyList<string> Problems)
{
    public bool Sound => Refused is null && Unreadable.Count == 0 && DamagedPages == 0 && Problems.Count == 0;
}

/// <summary>
/// Reads a whole database without changing a byte: every record, every page's header, every index's size.
/// The same walk serves <see cref="RecordSalvager"/>, which copies what it can read.
/// </summary>
internal static class DatabaseCheck
{
    public static CheckReport Run(string path)
    {
        var (state, reason) = DatabaseHeader.Inspect(path);
        if (state is DatabaseHeader.State.New or DatabaseHeader.State.Foreign)
        {
            return new CheckReport(path, reason ?? $"{path} holds no database", 0, [], 0, []);
        }

        var problems = new List<string>();
        if (reason is not null)
        {
            problems.Add(reason);
        }

        var damagedPages = DamagedPages(path);
        var unreadable = new List<string>();
        long readable = 0;
        using (var reader = new TolerantReader(path))
        {
            foreach (var id in reader.Ids(problems))
            {
                if (reader.TryRead(id, out var error) is null)
                {
                    unreadable.Add($"{id}: {error}");
                }
                else
                {
                    readable++;
                }
            }

            reader.CheckIndexes(readable, problems);
        }

        return new CheckReport(path, null, readable, unreadable, damagedPages, problems);
    }

    // Every page of the data file names itself in its first four bytes (never-written pages are all zero).
    private static int DamagedPages(string path)
    {
        var damaged = 0;
        var page = new byte[DatabaseHeader.PageSize];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        for (uint index = 0; file.ReadAtLeast(page, page.Length, throwOnEndOfStream: false) == page.Length; index++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(page) != index && page.AsSpan().ContainsAnyExcept((byte)0))
            {
                damaged++;
            }
        }

        return damaged;
    }
}
