using System.Buffers;
using Tap.Shim.Core;
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
    private bool _lost;
    private int _droppedFrames;

    internal TapExecution(TapClient client, Guid id)
    {
        _client = client;
        Id = id;
        _idBytes = ExecutionIds.ToBytes(id);
    }

    /// <summary>The execution id, as the sidecar records it.</summary>
    public Guid Id { get; }

    /// <summary>The connection the Start frame went out on; written and read by the client's writer only.</summary>
    internal long Epoch { get; set; } = -1;

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

            var message = new EndMessage { DroppedFrames = _droppedFrames };
            _ended = true;
            EnqueueLocked(message, isEnd: true);
        }
    }

    /// <summary>Ends the execution if the proxy has not.</summary>
    public void Dispose() => End();

    internal void SendStart(StartMessage start)
    {
        lock (_sync)
        {
            EnqueueLocked(start, isEnd: false);
            if (_lost)
            {
                // Nothing of this execution reached the sidecar, so nothing more of it may.
                _ended = true;
                _client.CountExecutionDropped();
            }
        }
    }

    private void SendChunk(ReadOnlySpan<byte> data)
    {
        lock (_sync)
        {
            if (_ended || Drop())
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
                Lose(isStart: false);
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
            if (_ended || Drop())
            {
                return;
            }

            EnqueueLocked(message, isEnd: false);
        }
    }

    private bool Drop()
    {
        if (!_lost)
        {
            return false;
        }

        _droppedFrames++;
        _client.CountFrameDropped();
        return true;
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
            Lose(message is StartMessage);
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
        Lose(frame.IsStart);
    }

    private void Lose(bool isStart)
    {
        if (!_lost)
        {
            _lost = true;
            if (!isStart)
            {
                _client.CountExecutionIncomplete();
            }
        }

        _droppedFrames++;
        _client.CountFrameDropped();
    }

    private static string ToWire(TapUpstreamErrorKind kind) => kind switch
    {
        TapUpstreamErrorKind.ConnectionReset => "connection_reset",
        TapUpstreamErrorKind.Timeout => "timeout",
        TapUpstreamErrorKind.MalformedResponse => "malformed_response",
        _ => "other",
    };
}
