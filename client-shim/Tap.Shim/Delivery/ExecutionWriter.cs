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
/// When a segment does not fit under the cap, the whole execution is dropped (the staging itself: ExecutionWriter.Staging.cs). The proxy reports from any thread, the
/// delivery loop takes and abandons from its own, hence the lock. The public <c>TapExecution</c> is a thin façade
/// over it; delivery never calls back into the façade.
/// </summary>
internal sealed partial class ExecutionWriter
{
    private readonly Outbox _outbox;
    private readonly byte[] _idBytes;
    private readonly object _sync = new();
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

    public void Start(in StartFields start)
    {
        lock (_sync)
        {
            var length = ControlFrame.StartLength(start);
            if (Reserve(length, isEnd: false) is { } segment)
            {
                ControlFrame.WriteStart(segment.AsSpan(_segmentUsed, length), start, _idBytes, _nextSequence, _outbox.NowWire());
                Staged(segment, length, isStart: true, isEnd: false);
            }
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
        var textBytes = ControlFrame.TextBytes(contentType);
        if (textBytes > ControlFrame.MaxInlineTextBytes)
        {
            Send(new ResponseMessage { StatusCode = statusCode, ContentType = contentType });
            return;
        }

        lock (_sync)
        {
            var length = ControlFrame.ResponseLength(textBytes);
            if (!_ended && Reserve(length, isEnd: false) is { } segment)
            {
                ControlFrame.WriteResponse(segment.AsSpan(_segmentUsed), statusCode, contentType, textBytes, _idBytes, _nextSequence, _outbox.NowWire());
                Staged(segment, length, isStart: false, isEnd: false);
            }
        }
    }

    /// <summary>A signal that carries no text; ignored once the execution has ended.</summary>
    public void Signal(SignalKind kind)
    {
        lock (_sync)
        {
            if (!_ended && Reserve(ControlFrame.SignalLength, isEnd: false) is { } segment)
            {
                ControlFrame.WriteSignal(segment.AsSpan(_segmentUsed), kind, _idBytes, _nextSequence, _outbox.NowWire());
                Staged(segment, ControlFrame.SignalLength, isStart: false, isEnd: false);
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
            if (Reserve(ControlFrame.EndLength, isEnd: true) is not { } segment)
            {
                return;
            }

            ControlFrame.WriteEnd(segment.AsSpan(_segmentUsed), _idBytes, _nextSequence, _outbox.NowWire());
            Staged(segment, ControlFrame.EndLength, isStart: false, isEnd: true);

            // Nothing more is written: the last segment goes to the loop with the End.
            Retire();
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
            ReleaseRetiredLocked();

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

            var length = ChunkFrame.Overhead + data.Length;
            if (Reserve(length, isEnd: false) is not { } segment)
            {
                return;
            }

            ChunkFrame.Write(segment.AsSpan(_segmentUsed), _idBytes, _nextSequence, _outbox.NowWire(), data);
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
        Staged(segment, length, isStart: false, isEnd: false);
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
}
