using System.Runtime.InteropServices;
using Tap.Protocol;

namespace Tap.Shim.Delivery;

/// <summary>
/// One execution's frames (or one loss report), kept from its Start until the sidecar acknowledges its id. An entry
/// adopted from a dead process's spool has no owner and its frames are on disk only.
/// </summary>
internal sealed class LedgerEntry(Guid id, ExecutionWriter? owner, bool isReport = false)
{
    private byte[]? _idBytes;

    public Guid Id { get; } = id;

    public ExecutionWriter? Owner { get; } = owner;

    public bool IsReport { get; } = isReport;

    public byte[] IdBytes => _idBytes ??= ExecutionIds.ToBytes(Id);

    // Room for a short execution's frames (Start, Response, a chunk or two, UpstreamEnd, End) without growing.
    public List<LedgerFrame> Frames { get; } = new(8);

    public Span<LedgerFrame> FrameSpan => CollectionsMarshal.AsSpan(Frames);

    /// <summary>
    /// The staging segments the loop has taken from the owner, released with the entry's memory. Frames may also lie in
    /// the owner's current segment, which is the owner's until it retires it.
    /// </summary>
    public List<byte[]> Segments { get; } = [];

    public LinkedListNode<LedgerEntry>? Node { get; set; }

    /// <summary>In the ledger's list of entries with frames in memory.</summary>
    public LinkedListNode<LedgerEntry>? MemoryNode { get; set; }

    /// <summary>Frames written at least once, on any connection.</summary>
    public int EverWritten { get; set; }

    /// <summary>Frames written to the sidecar or the spool, or dropped: what <see cref="TapClient.FlushAsync"/> counts.</summary>
    public int Settled { get; set; }

    /// <summary>Frames written on the connection of <see cref="SentEpoch"/>.</summary>
    public int Sent { get; set; }

    public long SentEpoch { get; set; } = -1;

    /// <summary>The connection that carried this entry's End (into a batch); the sidecar then has it in full.</summary>
    public long EndSentEpoch { get; set; } = -1;

    /// <summary>Waiting in the loop's queue of entries with frames to write.</summary>
    public bool Queued { get; set; }

    public bool Removed { get; set; }

    public int DiskFrames { get; set; }

    /// <summary>The segment this entry last wrote to, so each segment counts the entry once.</summary>
    public SpoolSegment? LastSegment { get; set; }
}
