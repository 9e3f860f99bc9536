
namespace Tap.Shim.Delivery;

/// <summary>
/// One frame of an execution in the ledger: in memory (at <see cref="BufferOffset"/> in one of the execution's staging
/// segments, or a loss report's own pooled array), in a spool segment, or both.
/// </summary>
internal struct LedgerFrame
{
    public byte[]? Buffer;
    public int BufferOffset;
    public int Length;
    public bool IsEnd;
    public SpoolSegment? Segment;

    /// <summary>Where the frame's bytes start in <see cref="Segment"/>.</summary>
    public long Offset;
}
