namespace Tap.Shim.Delivery;

/// <summary>
/// The writer's staging side: the segments its frames are encoded into, the frames the loop has not taken yet, and the
/// hand-over of both. Everything here runs under the writer's lock.
/// </summary>
internal sealed partial class ExecutionWriter
{
    // Segments start small (an execution's Start and first chunks) and double, so that thousands of executions in
    // flight hold little each and a long stream rents a segment only every 16 KiB.
    private const int FirstSegmentBytes = 1024;
    private const int LargestSegmentBytes = OutboundBuffer.LargestPooledBytes;

    // Room for a short execution's frames, as the ledger's entry has.
    private List<StagedFrame> _staged = new(8);
    private List<byte[]>? _full;
    private byte[]? _segment;
    private int _segmentUsed;
    private int _nextSegmentBytes = FirstSegmentBytes;
    private bool _announced;

    /// <summary>
    /// From the loop: the frames staged since it last took them, in order, and the segments the execution no longer
    /// writes to, which the loop now owns. <paramref name="empty"/> is the loop's empty list, kept for the next batch.
    /// </summary>
    public List<StagedFrame> Take(List<StagedFrame> empty, List<byte[]> retired)
    {
        lock (_sync)
        {
            var staged = _staged;
            _staged = empty;
            _announced = false;
            if (_full is { Count: > 0 } full)
            {
                retired.AddRange(full);
                full.Clear();
            }

            return staged;
        }
    }

    /// <summary>A segment with room for the frame: the current one, or a new one counted against the cap; null when it does not fit (the execution is then lost).</summary>
    private byte[]? Reserve(int length, bool isEnd)
    {
        if (_segment is { } current && current.Length - _segmentUsed >= length)
        {
            return current;
        }

        var size = Math.Max(length, _nextSegmentBytes);
        byte[]? segment;
        try
        {
            segment = _outbox.TryRent(size, isEnd);
        }
        catch (OutOfMemoryException)
        {
            segment = null;
        }

        if (segment is null)
        {
            Lose();
            return null;
        }

        Retire();
        _segment = segment;
        _segmentUsed = 0;
        _nextSegmentBytes = Math.Min(size * 2, LargestSegmentBytes);
        return segment;
    }

    private void Staged(byte[] segment, int length, bool isStart, bool isEnd)
    {
        _staged.Add(new StagedFrame(segment, _segmentUsed, length, isStart, isEnd));
        _segmentUsed += length;
        _nextSequence++;
        _outbox.CountFrameQueued();
        if (!_announced)
        {
            _announced = true;
            _outbox.Announce(this);
        }
    }

    /// <summary>The current segment is written no more: it goes to the loop with the frames in it.</summary>
    private void Retire()
    {
        if (_segment is { } segment)
        {
            (_full ??= []).Add(segment);
            _segment = null;
        }
    }

    /// <summary>
    /// Frames the loop has not taken are dropped; the segments go to the loop, which alone may release them (it may be
    /// copying frames it took from them), at its next <see cref="Take"/> or in <see cref="Abandon"/>.
    /// </summary>
    private void DiscardUntakenLocked()
    {
        _outbox.CountFramesDiscarded(_staged.Count);
        _staged.Clear();
        Retire();
        if (!_announced)
        {
            _announced = true;
            _outbox.Announce(this);
        }
    }

    private void ReleaseRetiredLocked()
    {
        if (_full is { } full)
        {
            foreach (var segment in full)
            {
                _outbox.Release(segment);
            }

            full.Clear();
        }
    }
}
