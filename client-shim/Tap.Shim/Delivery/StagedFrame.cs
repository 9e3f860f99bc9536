namespace Tap.Shim.Delivery;

/// <summary>One frame an execution wrote into one of its staging segments, not yet taken by the delivery loop.</summary>
internal readonly record struct StagedFrame(byte[] Segment, int Offset, int Length, bool IsStart, bool IsEnd);
