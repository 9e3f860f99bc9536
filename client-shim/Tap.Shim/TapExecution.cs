using System.Buffers;
using Tap.Shim.Delivery;
using Tap.Shim.Diagnostics;
using Tap.Shim.Protocol;

namespace Tap.Shim;

/// <summary>
/// One upstream attempt as the proxy reports it: <see cref="Response"/>, then <see cref="Chunk"/> for every
/// read, a signal when something happens, and <see cref="End"/>. Every call returns at once and never
/// throws; calls after <see cref="End"/> are ignored. Disposing ends the execution.
/// </summary>
public sealed class TapExecution : IDisposable
{
    private readonly TapClient _client;
    private readonly byte[] _idBytes;
    private readonly object _sync = new();
    private uint _nextSequence;
    private bool _ended;
    private volatile bool _lost;
    private bool _abandoned;
    private int _lossReported;

    internal TapExecution(TapClient client, Guid id)
    {
        _client = client;
        Id = id;
        _idBytes = ExecutionIds.ToBytes(id);
    }

    /// <summary>The execution id, as the sidecar records it.</summary>
    public Guid Id { get; }

    /// <summary>Dropped whole: nothing more of it is sent.</summary>
    internal bool IsLost => _lost;

    /// <summary>True the first time only: a dropped execution is named in one loss report, whichever path dropped it.</summary>
    internal bool TryClaimLossReport() => Interlocked.Exchange(ref _lossReported, 1) == 0;

    /// <summary>Reports the upstream's status code and content type.</summary>
    public void Response(int statusCode, string? contentType) =>
        Send(new ResponseMessage { StatusCode = statusCode, ContentType = contentType });

    /// <summary>Reports bytes exactly as read from the upstream. The bytes are copied; the caller keeps its buffer.</summary>
    public void Chunk(ReadOnlySpan<byte> data)
    {
        var maxData = _client.MaxChunkData;
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

    /// <summary>The client of the proxy went away (its request was aborted).</summary>
    public void ClientAborted() => Send(new SignalMessage { Kind = SignalKind.ClientAborted });

    /// <summary>Reading the upstream failed.</summary>
    public void UpstreamError(TapUpstreamErrorKind kind, string? message) =>
        Send(new SignalMessage { Kind = SignalKind.UpstreamError, ErrorKind = ToWire(kind), Message = message });

    internal void DrainStarted() => Send(new SignalMessage { Kind = SignalKind.DrainStarted });

    internal void DrainSkipped(string reason) => Send(new SignalMessage { Kind = SignalKind.DrainSkipped, Message = reason });

    /// <summary>The upstream response ended cleanly (end of stream).</summary>
    public void UpstreamEnd() => Send(new SignalMessage { Kind = SignalKind.UpstreamEnd });

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

    /// <summary>Ends the execution if the proxy has not.</summary>
    public void Dispose() => End();

    internal void SendStart(StartMessage start)
    {
        lock (_sync)
        {
            EnqueueLocked(start, isEnd: false);
        }
    }

    /// <summary>
    /// Drops the execution whole (the writer evicts it, oldest first, when the buffer is over its cap). Returns the
    /// End frame that tells the sidecar so, for when it already has part of the execution; null if already dropped.
    /// </summary>
    internal OutboundFrame? Abandon()
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
                _client.CountExecutionDropped();
            }

            var end = new EndMessage { ExecutionId = _idBytes, Sequence = _nextSequence++, Timestamp = _client.NowWire(), DroppedFrames = EndMessage.DroppedWhole };
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

            ChunkFrameEncoder.Write(buffer, _idBytes, _nextSequence, _client.NowWire(), data);
            Admit(new OutboundFrame(buffer, length, this, IsStart: false, IsEnd: false));
        }
    }

    private void Send(ExecutionMessage message)
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

    private void EnqueueLocked(ExecutionMessage message, bool isEnd)
    {
        message.ExecutionId = _idBytes;
        message.Sequence = _nextSequence;
        message.Timestamp = _client.NowWire();
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
        if (_client.TryEnqueue(frame))
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
        _client.CountFrameDropped();
        if (_lost)
        {
            return;
        }

        _lost = true;
        _ended = true;
        _client.CountExecutionDropped();

        // Also when the Start did not fit: the sidecar never hears of the execution, so only a loss report counts it.
        _client.ExecutionLost(this);
    }

    private static string ToWire(TapUpstreamErrorKind kind) => kind switch
    {
        TapUpstreamErrorKind.ConnectionReset => "connection_reset",
        TapUpstreamErrorKind.Timeout => "timeout",
        TapUpstreamErrorKind.MalformedResponse => "malformed_response",
        _ => "other",
    };
}
