namespace Tap.Shim.Delivery;

/// <summary>The client's counters, updated with Interlocked from any thread.</summary>
internal sealed class ShimCounters
{
    public long ExecutionsStarted;
    public long ExecutionsDropped;
    public long ExecutionsAcknowledged;

    /// <summary>Counted by every proxy thread on every frame: striped, so that no chunk pulls the line from the other core.</summary>
    public readonly StripedCounter FramesQueued = new();
    public long FramesWritten;
    public long FramesReplayed;
    public long FramesDropped;

    /// <summary>Frames written once or dropped: what <see cref="TapClient.FlushAsync"/> waits for.</summary>
    public long FramesSettled;
    public long BytesWritten;
    public long Connects;
    public long ConnectFailures;
    public long SpoolBytes;
    public long FramesSpilled;
    public long FramesReadFromSpool;
    public long ExecutionsAdopted;
    public long SpoolCorruptSegments;
    public long LossReportsAcknowledged;
}
