namespace Tap.Shim.Core;

/// <summary>The client's counters, updated with Interlocked from any thread.</summary>
internal sealed class ShimCounters
{
    public long ExecutionsStarted;
    public long ExecutionsDropped;
    public long ExecutionsIncomplete;
    public long ExecutionsAcknowledged;
    public long FramesQueued;
    public long FramesWritten;
    public long FramesDropped;
    public long FramesLeftBuffer;
    public long BytesWritten;
    public long Connects;
    public long ConnectFailures;
}
