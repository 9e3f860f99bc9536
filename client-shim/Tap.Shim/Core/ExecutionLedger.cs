namespace Tap.Shim.Core;

/// <summary>
/// Every execution not yet acknowledged, oldest first, with all its frames: what a new connection replays,
/// and what a full buffer evicts, whole and oldest first. Used by the writer's loop only, so it needs no lock.
/// </summary>
internal sealed class ExecutionLedger(OutboundBuffer buffer, ShimCounters counters)
{
    private readonly Dictionary<Guid, LedgerEntry> _entries = [];
    private readonly LinkedList<LedgerEntry> _order = new();

    public int Count => _entries.Count;

    public LedgerEntry? Oldest => _order.First?.Value;

    public IEnumerable<LedgerEntry> InOrder => _order;

    /// <summary>Keeps the frame with its execution; null when the execution is gone (dropped whole), and the frame is released.</summary>
    public LedgerEntry? Stage(in OutboundFrame frame)
    {
        var owner = frame.Owner;
        if (!_entries.TryGetValue(owner.Id, out var entry))
        {
            if (!frame.IsStart || owner.IsLost)
            {
                Discard(frame);
                return null;
            }

            entry = new LedgerEntry(owner);
            entry.Node = _order.AddLast(entry);
            _entries.Add(owner.Id, entry);
        }

        entry.Frames.Add(frame);
        return entry;
    }

    public LedgerEntry? Find(Guid id) => _entries.GetValueOrDefault(id);

    /// <summary>The sidecar committed the record: the frames are no longer needed.</summary>
    public bool Acknowledge(Guid id)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return false;
        }

        Remove(entry);
        return true;
    }

    /// <summary>Forgets the execution and releases its frames; frames never written count as dropped.</summary>
    public void Remove(LedgerEntry entry)
    {
        _entries.Remove(entry.Owner.Id);
        _order.Remove(entry.Node!);
        for (var i = 0; i < entry.Frames.Count; i++)
        {
            if (i >= entry.EverWritten)
            {
                Interlocked.Increment(ref counters.FramesDropped);
                Interlocked.Increment(ref counters.FramesSettled);
            }

            buffer.Release(entry.Frames[i]);
        }

        entry.Frames.Clear();
    }

    public void Clear()
    {
        while (Oldest is { } oldest)
        {
            Remove(oldest);
        }
    }

    private void Discard(in OutboundFrame frame)
    {
        buffer.Release(frame);
        Interlocked.Increment(ref counters.FramesDropped);
        Interlocked.Increment(ref counters.FramesSettled);
    }
}
