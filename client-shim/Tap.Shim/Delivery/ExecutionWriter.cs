using System.Buffers;
using Tap.Protocol;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Delivery;

/// <summary>
/// One execution's frames on their way into the <see cref="Outbox"/>: numbered in order, encoded, admitted, or, when
/// one does not fit, the whole execution dropped. The proxy reports from any thread, the delivery loop abandons from its
/// own, hence the lock. The public <c>TapExecution</c> is a thin façade over it; delivery never calls back into the façade.
/// </summary>
internal sealed class ExecutionWriter
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

    /// <summary>True the first time only: a dropped execution is named in one loss report, whichever path dropped it.</summary>
    public bool TryClaimLossReport() => Interlocked.Exchange(ref _lossReported, 1) == 0;

    public void Start(StartMessage start)
    {
        lock (_sync)
        {
            EnqueueLocked(start, isEnd: false);
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

            EnqueueLocked(message, isEnd: false);
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
            EnqueueLocked(new EndMessage(), isEnd: true);
        }
    }

    /// <summary>
    /// Drops the execution whole (the writer evicts it, oldest first, when the buffer is over its cap). Returns the
    /// End frame that tells the sidecar so, for when it already has part of the execution; null if already dropped.
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
            }

            var end = new EndMessage { ExecutionId = _idBytes, Sequence = _nextSequence++, Timestamp = _outbox.NowWire(), DroppedFrames = EndMessage.DroppedWhole };
            var bytes = ProtocolSerializer.ToFrame(end);
            var buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
            bytes.CopyTo(buffer, 0);
            return new OutboundFrame(buffer, bytes.Length, this, IsStart: false, IsEnd: true);
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
            byte[] buffer;
            try
            {
                buffer = ArrayPool<byte>.Shared.Rent(length);
            }
            catch (OutOfMemoryException)
            {
                Lose();
                return;
            }

            ChunkFrameEncoder.Write(buffer, _idBytes, _nextSequence, _outbox.NowWire(), data);
            Admit(new OutboundFrame(buffer, length, this, IsStart: false, IsEnd: false));
        }
    }

    private void EnqueueLocked(ExecutionMessage message, bool isEnd)
    {
        message.ExecutionId = _idBytes;
        message.Sequence = _nextSequence;
        message.Timestamp = _outbox.NowWire();
        byte[] buffer;
        int length;
        try
        {
            buffer = ProtocolSerializer.ToPooledFrame(message, out length);
        }
        catch (Exception ex)
        {
            // The host must never see a shim failure: the frame is lost and counted like a full buffer.
            ShimEventSource.Log.InternalError(ex.ToString());
            Lose();
            return;
        }

        Admit(new OutboundFrame(buffer, length, this, IsStart: message is StartMessage, IsEnd: isEnd));
    }

    private void Admit(in OutboundFrame frame)
    {
        if (_outbox.TryEnqueue(frame))
        {
            _nextSequence++;
            return;
        }

        frame.Return();
        Lose();
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

        // Also when the Start did not fit: the sidecar never hears of the execution, so only a loss report counts it.
        _outbox.ExecutionLost(this);
    }
}
