using System.Buffers.Binary;
using LiteDB;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store.Files;

/// <summary>
/// The last resort of a salvage: documents read straight from the data file's data pages, for when the indexes that
/// lead to them are lost (a truncated file). Layout: LiteDB 5 BasePage (slots at the page's end, 4 bytes each:
/// length, position) and DataBlock (extend flag, next block address, BSON bytes);
/// https://github.com/litedb-org/LiteDB/blob/v5.0.20/LiteDB/Engine/Pages/BasePage.cs
/// </summary>
internal static class PageScanner
{
    private const int PageSize = DatabaseHeader.PageSize;
    private const byte DataPageType = 4;
    private const int HighestIndexOffset = 30;
    private const int SlotSize = 4;

    public static IEnumerable<ExecutionRecord> Records(string path, BsonMapper mapper)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var pages = file.Length / PageSize;
        var page = new byte[PageSize];
        for (long index = 0; index < pages; index++)
        {
            if (!ReadPage(file, (uint)index, page) || page[4] != DataPageType)
            {
                continue;
            }

            for (var slot = 0; slot <= page[HighestIndexOffset]; slot++)
            {
                if (Block(page, slot) is not { Extend: false } first)
                {
                    continue;
                }

                if (Document(file, first, mapper) is { } record)
                {
                    yield return record;
                }
            }
        }
    }

    private static ExecutionRecord? Document(FileStream file, (bool Extend, uint NextPage, byte NextSlot, byte[] Data) first, BsonMapper mapper)
    {
        try
        {
            var bytes = new List<byte>(first.Data);
            var next = (first.NextPage, first.NextSlot);
            var page = new byte[PageSize];
            for (var hops = 0; next.NextPage != uint.MaxValue; hops++)
            {
                if (hops > 10_000 || !ReadPage(file, next.NextPage, page) || Block(page, next.NextSlot) is not { Extend: true } block)
                {
                    return null;
                }

                bytes.AddRange(block.Data);
                next = (block.NextPage, block.NextSlot);
            }

            var document = BsonSerializer.Deserialize([.. bytes]);
            return document["_id"].IsGuid ? mapper.ToObject<ExecutionRecord>(document) : null;
        }
        catch (Exception)
        {
            // A block whose bytes do not decode: damaged, so not salvaged.
            return null;
        }
    }

    private static bool ReadPage(FileStream file, uint index, byte[] page)
    {
        if ((index + 1L) * PageSize > file.Length)
        {
            return false;
        }

        file.Position = index * (long)PageSize;
        return file.ReadAtLeast(page, PageSize, throwOnEndOfStream: false) == PageSize
            && BinaryPrimitives.ReadUInt32LittleEndian(page) == index;
    }

    private static (bool Extend, uint NextPage, byte NextSlot, byte[] Data)? Block(byte[] page, int slot)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(PageSize - ((slot + 1) * SlotSize)));
        var position = BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(PageSize - ((slot + 1) * SlotSize) + 2));
        if (position < 32 || length < 6 || position + length > PageSize - SlotSize)
        {
            return null;
        }

        return (page[position] != 0,
            BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(position + 1)),
            page[position + 5],
            page.AsSpan(position + 6, length - 6).ToArray());
    }
}
