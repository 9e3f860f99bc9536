using System.Buffers;
using System.IO.Hashing;
using Tap.Protocol;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Delivery;

/// <summary>
/// Reads the segments of processes that are gone into the ledger, oldest first, as they were spooled: a Start without
/// its End is replayed as is (the sidecar decides it by rule 7). A record that is torn (the process died mid-write) or
/// corrupt ends the reading of its segment and is counted; an execution whose Start was not readable cannot be
/// replayed and is reported lost (<see cref="LossReasons.SpoolCorrupt"/>).
/// </summary>
internal static class SpoolAdoption
{
    private const int MaxRecordFrame = ProtocolConstants.MaxMaxFrameBytes + ProtocolConstants.LengthPrefixBytes;

    public static void Adopt(DiskSpool spool, ExecutionLedger ledger, LossReports losses, ShimCounters counters)
    {
        var entries = new Dictionary<Guid, LedgerEntry>();
        var unreadable = new HashSet<Guid>();
        var header = new byte[SpoolRecord.HeaderBytes];
        var crc = new Crc32();
        var frame = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            foreach (var segment in spool.ClaimOrphans())
            {
                if (!ReadSegment(segment, entries, unreadable, ledger, header, crc, ref frame))
                {
                    Interlocked.Increment(ref counters.SpoolCorruptSegments);
                    ShimEventSource.Log.SpoolCorrupt(segment.Path, segment.Length);
                }

                if (segment.Live == 0)
                {
                    spool.Remove(segment);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }

        foreach (var id in unreadable)
        {
            Interlocked.Increment(ref counters.ExecutionsDropped);
            losses.Add(LossReasons.SpoolCorrupt, id);
        }

        Interlocked.Add(ref counters.ExecutionsAdopted, entries.Values.Count(e => !e.IsReport));
    }

    /// <summary>Reads whole records up to the first bad one; false when one was bad (the segment keeps only what precedes it).</summary>
    private static bool ReadSegment(SpoolSegment segment, Dictionary<Guid, LedgerEntry> entries, HashSet<Guid> unreadable, ExecutionLedger ledger, byte[] header, Crc32 crc, ref byte[] frame)
    {
        var end = segment.Length;
        long position = 0;
        while (position < end)
        {
            if (end - position < SpoolRecord.HeaderBytes || RandomAccess.Read(segment.Handle, header, position) != header.Length)
            {
                return false;
            }

            var length = SpoolRecord.DeclaredLength(header, MaxRecordFrame);
            var offset = position + SpoolRecord.HeaderBytes;
            if (length < 0 || offset + length > end)
            {
                NoteLostStart(header, entries, unreadable);
                return false;
            }

            if (frame.Length < length)
            {
                ArrayPool<byte>.Shared.Return(frame);
                frame = ArrayPool<byte>.Shared.Rent(length);
            }

            if (RandomAccess.Read(segment.Handle, frame.AsSpan(0, length), offset) != length || !SpoolRecord.IsIntact(header, crc, frame.AsSpan(0, length)))
            {
                NoteLostStart(header, entries, unreadable);
                return false;
            }

            var flags = SpoolRecord.Flags(header);
            var id = ExecutionIds.FromBytes(SpoolRecord.Id(header));
            if (!entries.TryGetValue(id, out var entry))
            {
                if ((flags & SpoolRecord.Start) == 0)
                {
                    // Its Start was in a record that could not be read: a replay without it would be refused.
                    unreadable.Add(id);
                    position = offset + length;
                    continue;
                }

                entry = new LedgerEntry(id, owner: null, isReport: (flags & SpoolRecord.Report) != 0);
                entries.Add(id, entry);
                ledger.Add(entry);
            }

            entry.Frames.Add(new LedgerFrame { Length = length, IsEnd = (flags & SpoolRecord.End) != 0, Segment = segment, Offset = offset });
            DiskSpool.Reference(entry, segment);
            position = offset + length;
        }

        return true;
    }

    /// <summary>A bad record whose header still names a Start: that execution cannot be replayed at all.</summary>
    private static void NoteLostStart(byte[] header, Dictionary<Guid, LedgerEntry> entries, HashSet<Guid> unreadable)
    {
        if ((SpoolRecord.Flags(header) & (SpoolRecord.Start | SpoolRecord.Report)) == SpoolRecord.Start)
        {
            var id = ExecutionIds.FromBytes(SpoolRecord.Id(header));
            if (!entries.ContainsKey(id))
            {
                unreadable.Add(id);
            }
        }
    }
}
