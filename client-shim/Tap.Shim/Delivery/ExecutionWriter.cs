using System.Buffers;
using System.Buffers.Binary;
using Tap.Protocol;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Delivery;

/// <summary>
/// One execution's frames on their way to the delivery loop: numbered in order, encoded straight into pooled staging
/// segments of the execution's own, and handed over in batches: the execution is announced to the loop when its first
/// frame since the loop last took them is staged, and the loop takes all of them at once. A chunk thus touches only
/// this execution's lock and segment; the shared buffer is touched once per segment and once per batch (issue 16).
/// When a segment does not fit under the cap, the whole execution is dropped. The proxy reports from any thread, the
/// delivery loop takes and abandons from its own, hence the lock. The public <c>TapExecution</c> is a thin façade
/// over it; delivery never calls back into the façade.
/// </summary>
internal sealed class ExecutionWriter
{
    // Segments start small (an execution's Start and first chunks) and double, so that thousands of executions in
    // flight hold little each and a long stream rents a segment only every 16 KiB.
    private const int FirstSegmentBytes = 1024;
    private const int LargestSegmentBytes = 16 * 1024;

    private readonly Outbox _outbox;
    private readonly byte[] _idBytes;
    private readonly object _sync = new();
    private List<StagedFrame> _staged = [];
    private List<byte[]>? _full;
    private byte[]? _segment;
    private int _segmentUsed;
    private int _nextSegmentBytes = FirstSegmentBytes;
    private bool _announced;
    private uint _nextSequence;
    private bool _ended;
    private volatile bool _lost;
    private bool _abandoned;
    private int _lossReported;

    public ExecutionWriter(Outbox outbox, Guid id)
    {
        _outbox = outbox;
        Id = id;
        _idBytes = ExecutionIds.ToBytes(id);
    }

    public Guid Id { get; }

    /// <summary>Dropped whole: nothing more of it is sent.</summary>
    public bool IsLost => _lost;

    /// <summary>The loop's record of this execution, once it has one; touched by the loop only.</summary>
    public LedgerEntry? Entry { get; set; }

    /// <summary>True the first time only: a dropped execution is named in one loss report, whichever path dropped it.</summary>
    public bool TryClaimLossReport() => Interlocked.Exchange(ref _lossReported, 1) == 0;

    public void Start(StartMessage start)
    {
        lock (_sync)
        {
            EnqueueLocked(start);
        }
    }

    /// <summary>Any other message of the execution; ignored once it has ended.</summary>
    public void Send(ExecutionMessage message)
    {
        lock (_sync)
        {
            if (_ended)
            {
                return;
            }

            EnqueueLocked(message);
        }
    }

    /// <summary>The response head, encoded by hand unless its content type is too long for that.</summary>
    public void Response(int statusCode, string? contentType)
    {
        var textBytes = ControlFrameEncoder.TextBytes(contentType);
        if (textBytes > ControlFrameEncoder.MaxInlineTextBytes)
        {
            Send(new ResponseMessage { StatusCode = statusCode, ContentType = contentType });
            return;
        }

        lock (_sync)
        {
            var length = ControlFrameEncoder.ResponseLength(textBytes);
            if (!_ended && Reserve(length, isEnd: false) is { } segment)
            {
                ControlFrameEncoder.WriteResponse(segment.AsSpan(_segmentUsed), statusCode, contentType, textBytes, _idBytes, _nextSequence, _outbox.NowWire());
                Staged(segment, length, isStart: false, isEnd: false);
            }
        }
    }

    /// <summary>A signal that carries no text; ignored once the execution has ended.</summary>
    public void Signal(SignalKind kind)
    {
        lock (_sync)
        {
            if (!_ended && Reserve(ControlFrameEncoder.SignalLength, isEnd: false) is { } segment)
            {
                ControlFrameEncoder.WriteSignal(segment.AsSpan(_segmentUsed), kind, _idBytes, _nextSequence, _outbox.NowWire());
                Staged(segment, ControlFrameEncoder.SignalLength, isStart: false, isEnd: false);
            }
        }
    }

    /// <summary>Bytes as read from the upstream, split to the connection's frame size; they are copied.</summary>
    public void Chunk(ReadOnlySpan<byte> data)
    {
        var maxData = _outbox.MaxChunkData;
        while (data.Length > maxData)
        {
            SendChunk(data[..maxData]);
            data = data[maxData..];
        }

        if (!data.IsEmpty)
        {
            SendChunk(data);
        }
    }

    /// <summary>The proxy is done with this execution.</summary>
    public void End()
    {
        lock (_sync)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            if (Reserve(ControlFrameEncoder.EndLength, isEnd: true) is not { } segment)
            {
                return;
            }

            ControlFrameEncoder.WriteEnd(segment.AsSpan(_segmentUsed), _idBytes, _nextSequence, _outbox.NowWire());
            Staged(segment, ControlFrameEncoder.EndLength, isStart: false, isEnd: true);

            // Nothing more is written: the last segment goes to the loop with the End.
            Retire();
        }
    }

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

    /// <summary>
    /// Drops the execution whole (the writer evicts it, oldest first, when the buffer is over its cap, once it has taken
    /// the execution out of the ledger): frames the loop has not taken are dropped and every segment it has not taken is
    /// released. Returns the End frame that tells the
    /// sidecar so, for when it already has part of the execution; null if already dropped.
    /// </summary>
    public OutboundFrame? Abandon()
    {
        lock (_sync)
        {
            if (_abandoned)
            {
                return null;
            }

            _abandoned = true;
            if (!_lost)
            {
                _lost = true;
                _ended = true;
                _outbox.CountExecutionDropped();
                DiscardUntakenLocked();
            }

            // On the loop's thread, and the entry is gone: nothing reads these segments any more.
            if (_full is { } full)
            {
                foreach (var segment in full)
                {
                    _outbox.Release(segment);
                }

                full.Clear();
            }

            var end = new EndMessage { ExecutionId = _idBytes, Sequence = _nextSequence++, Timestamp = _outbox.NowWire(), DroppedFrames = EndMessage.DroppedWhole };
            var bytes = ProtocolSerializer.ToFrame(end);
            var buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
            bytes.CopyTo(buffer, 0);
            return new OutboundFrame(buffer, bytes.Length);
        }
    }

    private void SendChunk(ReadOnlySpan<byte> data)
    {
        lock (_sync)
        {
            if (_ended)
            {
                return;
            }

            var length = ChunkFrameEncoder.Overhead + data.Length;
            if (Reserve(length, isEnd: false) is not { } segment)
            {
                return;
            }

            ChunkFrameEncoder.Write(segment.AsSpan(_segmentUsed), _idBytes, _nextSequence, _outbox.NowWire(), data);
            Staged(segment, length, isStart: false, isEnd: false);
        }
    }

    private void EnqueueLocked(ExecutionMessage message)
    {
        message.ExecutionId = _idBytes;
        message.Sequence = _nextSequence;
        message.Timestamp = _outbox.NowWire();
        ReadOnlySpan<byte> payload;
        try
        {
            payload = ProtocolSerializer.PayloadInScratch(message);
        }
        catch (Exception ex)
        {
            // The host must never see a shim failure: the frame is lost and counted like a full buffer.
            ShimEventSource.Log.InternalError(ex.ToString());
            Lose();
            return;
        }

        var length = ProtocolConstants.LengthPrefixBytes + payload.Length;
        if (Reserve(length, isEnd: false) is not { } segment)
        {
            return;
        }

        var target = segment.AsSpan(_segmentUsed, length);
        BinaryPrimitives.WriteUInt32BigEndian(target, (uint)payload.Length);
        payload.CopyTo(target[ProtocolConstants.LengthPrefixBytes..]);
        Staged(segment, length, isStart: message is StartMessage, isEnd: false);
    }

    /// <summary>A segment with room for the frame: the current one, or a new one counted against the cap; null when it does not fit (the execution is then lost).</summary>
    private byte[]? Reserve(int length, bool isEnd)
    {
        if (_segment is { } current && current.Length - _segmentUsed >= length)
        {
            return current;
        }

        var size = Math.Max(length, _nextSegmentBytes);
        byte[] segment;
        try
        {
            segment = ArrayPool<byte>.Shared.Rent(size);
        }
        catch (OutOfMemoryException)
        {
            Lose();
            return null;
        }

        if (!_outbox.TryReserve(segment.Length, isEnd))
        {
            ArrayPool<byte>.Shared.Return(segment);
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

    /// <summary>A frame did not fit: rather than send part of the execution, the writer drops all of it.</summary>
    private void Lose()
    {
        _outbox.CountFrameDropped();
        if (_lost)
        {
            return;
        }

        _lost = true;
        _ended = true;
        _outbox.CountExecutionDropped();
        DiscardUntakenLocked();

        // Also when the Start did not fit: the sidecar never hears of the execution, so only a loss report counts it.
        _outbox.ExecutionLost(this);
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
}
