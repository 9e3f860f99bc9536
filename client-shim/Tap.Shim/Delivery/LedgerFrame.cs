
namespace Tap.Shim.Delivery;

/// <summary>One frame of an execution in the ledger: in memory (a pooled array counted by the buffer), in a spool segment, or both.</summary>
internal struct LedgerFrame
{
    public byte[]? Buffer;
    public int Length;
    public bool IsEnd;
    public SpoolSegment? Segment;

    /// <summary>Where the frame's bytes start in <see cref="Segment"/>.</summary>
    public long Offset;
}
