using System.Buffers;
using System.IO.Pipelines;
using System.IO.Pipes;
using Tap.Protocol;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Delivery;

/// <summary>One connection to the sidecar: connect, handshake, then read its replies until it closes.</summary>
internal sealed class SidecarSession : IAsyncDisposable
{
    private readonly NamedPipeClientStream _stream;
    private readonly CancellationTokenSource _closed = new();
    private Task _readLoop = Task.CompletedTask;

    private SidecarSession(NamedPipeClientStream stream) => _stream = stream;

    public Stream Stream => _stream;

    /// <summary>Cancelled when the sidecar closes the connection or a read fails.</summary>
    public CancellationToken Closed => _closed.Token;

    public int MaxFrameBytes { get; private set; }

    /// <summary>The code of the last Error the sidecar sent; complete once the session is disposed.</summary>
    public string? LastErrorCode { get; private set; }

    /// <summary>
    /// Connects and shakes hands. <paramref name="acknowledged"/> is called with each id the sidecar acknowledges, on the
    /// session's reader, and <paramref name="acknowledgementsRead"/> once after each read that brought any: one wake of
    /// the delivery loop per read, not per Ack frame.
    /// </summary>
    public static async Task<SidecarSession> ConnectAsync(TapClientOptions options, Func<HelloMessage> hello, Action<Guid> acknowledged, Action acknowledgementsRead, CancellationToken cancellationToken)
    {
        var stream = new NamedPipeClientStream(".", options.Endpoint, PipeDirection.InOut, System.IO.Pipes.PipeOptions.Asynchronous);
        var session = new SidecarSession(stream);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            await stream.ConnectAsync(timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync(ProtocolSerializer.ToFrame(hello()), timeout.Token).ConfigureAwait(false);
            var reply = await ReadMessageAsync(stream, ProtocolConstants.DefaultMaxFrameBytes, timeout.Token).ConfigureAwait(false);
            switch (reply)
            {
                case HelloReplyMessage { Accepted: true } accepted:
                    session.MaxFrameBytes = accepted.MaxFrameBytes > 0 ? Math.Min(accepted.MaxFrameBytes, options.MaxFrameBytes) : options.MaxFrameBytes;
                    break;
                case HelloReplyMessage refused:
                    throw new HandshakeRefusedException(refused.Reason ?? "no reason given");
                case ErrorMessage error:
                    throw new HandshakeRefusedException($"{error.Code}: {error.Message}");
                default:
                    throw new IOException("The sidecar answered the handshake with " + (reply?.Type.ToString() ?? "nothing") + ".");
            }

            session._readLoop = session.ReadRepliesAsync(acknowledged, acknowledgementsRead);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _closed.Dispose();
    }

    private async Task ReadRepliesAsync(Action<Guid> acknowledged, Action acknowledgementsRead)
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var acks = 0;
                try
                {
                    while (FrameReader.TryRead(ref buffer, ProtocolConstants.MaxMaxFrameBytes, out var payload))
                    {
                        acks += Handle(payload, acknowledged);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (acks > 0)
                    {
                        acknowledgementsRead();
                    }
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "The stream ended inside a frame.");
                    }

                    ShimEventSource.Log.Disconnected("the sidecar closed the connection");
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or ProtocolException)
        {
            ShimEventSource.Log.Disconnected(ex.Message);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await _closed.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One reply; returns how many ids it acknowledged. An Ack as the sidecar writes it is read in place.</summary>
    private int Handle(ReadOnlySequence<byte> payload, Action<Guid> acknowledged)
    {
        if (payload.IsSingleSegment && AckFrame.TryRead(payload.FirstSpan, out var count, out var first))
        {
            for (var i = 0; i < count; i++)
            {
                acknowledged(AckFrame.Id(payload.FirstSpan, first, i));
            }

            return count;
        }

        switch (ProtocolSerializer.Decode(payload))
        {
            case AckMessage ack:
                var valid = 0;
                foreach (var id in ack.ExecutionIds)
                {
                    if (id.Length == ProtocolConstants.ExecutionIdBytes)
                    {
                        acknowledged(ExecutionIds.FromBytes(id));
                        valid++;
                    }
                }

                return valid;
            case ErrorMessage error:
                LastErrorCode = error.Code;
                ShimEventSource.Log.SidecarError(error.Code, error.Message);
                return 0;
            default:
                return 0;
        }
    }

    /// <summary>Reads one whole message; null at a clean end of stream.</summary>
    private static async Task<ProtocolMessage?> ReadMessageAsync(Stream stream, int maxFrameBytes, CancellationToken cancellationToken) =>
        await FrameReader.ReadAsync(stream, maxFrameBytes, cancellationToken).ConfigureAwait(false) is { } payload
            ? ProtocolSerializer.Decode(new ReadOnlySequence<byte>(payload))
            : null;
}
