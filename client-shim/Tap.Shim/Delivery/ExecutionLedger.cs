using System.Buffers;

namespace Tap.Shim.Delivery;

/// <summary>
/// Every execution not yet acknowledged, oldest first, with all its frames: what a new connection replays, and what
/// a full buffer spills to the spool or evicts, whole and oldest first. Used by the delivery loop only, so it needs no lock.
/// </summary>
internal sealed class ExecutionLedger(OutboundBuffer buffer, ShimCounters counters)
{
    private readonly Dictionary<Guid, LedgerEntry> _entries = [];
    private readonly LinkedList<LedgerEntry> _order = new();
    private readonly LinkedList<LedgerEntry> _inMemory = new();

    /// <summary>Segments an entry's frames are in are released with it.</summary>
    public DiskSpool? Spool { get; set; }

    public LedgerEntry? Oldest => _order.First?.Value;

    /// <summary>The oldest entry that still holds frames in memory.</summary>
    public LedgerEntry? OldestInMemory => _inMemory.First?.Value;

    public IEnumerable<LedgerEntry> InOrder => _order;

    /// <summary>
    /// Keeps a batch of frames, and the segments the owner retired, with their execution; null when the execution is
    /// gone (dropped whole), and they are released. <paramref name="firstNew"/>: the index of the batch's first frame.
    /// </summary>
    public LedgerEntry? Stage(ExecutionWriter owner, List<StagedFrame> frames, List<byte[]> retired, out int firstNew)
    {
        var entry = owner.Entry;
        if (entry is null && frames is [{ IsStart: true }, ..] && !owner.IsLost)
        {
            entry = new LedgerEntry(owner.Id, owner);
            Add(entry);
            owner.Entry = entry;
        }
        else if (entry is null or { Removed: true })
        {
            Discard(frames.Count, retired);
            firstNew = 0;
            return null;
        }

        firstNew = entry.Frames.Count;
        foreach (var frame in frames)
        {
            entry.Frames.Add(new LedgerFrame { Buffer = frame.Segment, BufferOffset = frame.Offset, Length = frame.Length, IsEnd = frame.IsEnd });
        }

        entry.Segments.AddRange(retired);
        if (frames.Count > 0)
        {
            entry.MemoryNode ??= _inMemory.AddLast(entry);
        }

        return entry;
    }

    /// <summary>Adds an entry the proxy did not report: a loss report (in memory), or one adopted from a spool (on disk).</summary>
    public void Add(LedgerEntry entry)
    {
        entry.Node = _order.AddLast(entry);
        _entries.Add(entry.Id, entry);
        if (entry.Frames.Count > 0 && entry.Frames[0].Buffer is not null)
        {
            entry.MemoryNode = _inMemory.AddLast(entry);
        }
    }

    public LedgerEntry? Find(Guid id) => _entries.GetValueOrDefault(id);

    /// <summary>Takes the entry out of what the memory cap may move or evict (a loss report with no spool to take it).</summary>
    public void Pin(LedgerEntry entry)
    {
        if (entry.MemoryNode is { } node)
        {
            _inMemory.Remove(node);
            entry.MemoryNode = null;
        }
    }

    /// <summary>Releases the entry's frames in memory, once they are all in the spool.</summary>
    public void ReleaseMemory(LedgerEntry entry)
    {
        foreach (ref var frame in entry.FrameSpan)
        {
            // A loss report's array is the loop's own, outside the buffer's count.
            if (entry.IsReport && frame.Buffer is { } held)
            {
                ArrayPool<byte>.Shared.Return(held);
            }

            frame.Buffer = null;
        }

        foreach (var segment in entry.Segments)
        {
            buffer.Release(segment);
        }

        entry.Segments.Clear();

        if (entry.MemoryNode is { } node)
        {
            _inMemory.Remove(node);
            entry.MemoryNode = null;
        }
    }

    /// <summary>Forgets the execution and releases its frames, in memory and on disk; frames never written count as dropped.</summary>
    public void Remove(LedgerEntry entry)
    {
        _entries.Remove(entry.Id);
        _order.Remove(entry.Node!);
        entry.Removed = true;
        if (entry.Owner is not null)
        {
            var count = entry.Frames.Count;
            Interlocked.Add(ref counters.FramesDropped, Math.Max(0, count - entry.EverWritten));
            Interlocked.Add(ref counters.FramesSettled, Math.Max(0, count - entry.Settled));
            entry.Settled = count;
        }

        ReleaseMemory(entry);
        Spool?.Release(entry);
        entry.Frames.Clear();
    }

    public void Clear()
    {
        while (Oldest is { } oldest)
        {
            Remove(oldest);
        }
    }

    private void Discard(int frames, List<byte[]> segments)
    {
        foreach (var segment in segments)
        {
            buffer.Release(segment);
        }

        Interlocked.Add(ref counters.FramesDropped, frames);
        Interlocked.Add(ref counters.FramesSettled, frames);
    }
}
