using System.Buffers.Binary;
using System.Text;

namespace Tap.Sidecar.Store.Files;

/// <summary>
/// What a database path holds, read from its first page without LiteDB (LiteDB "repairs" what it does not
/// understand: it crops a file to whole pages, even opened read-only, and initialises one shorter than a page).
/// Layout: LiteDB 5 HeaderPage, https://github.com/litedb-org/LiteDB/blob/v5.0.20/LiteDB/Engine/Pages/HeaderPage.cs
/// </summary>
internal static class DatabaseHeader
{
    public const int PageSize = 8192;

    private const string Magic = "** This is a LiteDB file **";
    private const int MagicOffset = 32;
    private const int VersionOffset = 59;
    private const byte FileVersion = 8;
    private const int LastPageIdOffset = 64;
    private const int PageTypeOffset = 4;
    private const byte HeaderPageType = 1;

    public enum State
    {
        /// <summary>No file, or an empty one: the only cases that become a new database.</summary>
        New,
        Valid,
        Foreign,
        Damaged,
    }

    /// <returns>The state and, unless valid or new, one line that says why.</returns>
    public static (State State, string? Reason) Inspect(string path)
    {
        if (Directory.Exists(path))
        {
            return (State.Foreign, $"{path} is a directory, not a database file");
        }

        if (!File.Exists(path))
        {
            return (State.New, null);
        }

        var page = new byte[PageSize];
        long length;
        int read;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
        {
            length = file.Length;
            read = file.ReadAtLeast(page, PageSize, throwOnEndOfStream: false);
        }

        if (length == 0)
        {
            return (State.New, null);
        }

        if (read < MagicOffset + Magic.Length || Encoding.ASCII.GetString(page, MagicOffset, Magic.Length) != Magic)
        {
            return (State.Foreign, $"{path} is not a LiteDB database (no LiteDB header)");
        }

        if (page[VersionOffset] != FileVersion)
        {
            return (State.Foreign, $"{path} is a LiteDB file of format version {page[VersionOffset]}, not 8 (LiteDB 5)");
        }

        if (read < PageSize)
        {
            return (State.Damaged, $"{path} is damaged: {length} bytes, shorter than its first page ({PageSize} bytes); it looks truncated");
        }

        if (page[PageTypeOffset] != HeaderPageType || BinaryPrimitives.ReadUInt32LittleEndian(page) != 0)
        {
            return (State.Damaged, $"{path} is damaged: its first page is not a header page");
        }

        // The data file's own header names only pages a checkpoint wrote into this file (newer ones live in the log).
        var lastPage = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(LastPageIdOffset));
        if ((lastPage + 1L) * PageSize > length)
        {
            return (State.Damaged, $"{path} is damaged: its header names {lastPage + 1} pages but the file holds {length / PageSize}; it looks truncated");
        }

        return (State.Valid, null);
    }
}
