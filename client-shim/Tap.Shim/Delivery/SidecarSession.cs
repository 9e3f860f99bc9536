using System.Buffers;
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

    public static async Task<SidecarSession> ConnectAsync(TapClientOptions options, Func<HelloMessage> hello, Action<byte[][]> onAck, CancellationToken cancellationToken)
    {
        var stream = new NamedPipeClientStream(".", options.Endpoint, PipeDirection.InOut, PipeOptions.Asynchronous);
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

            session._readLoop = session.ReadRepliesAsync(onAck);
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

    private async Task ReadRepliesAsync(Action<byte[][]> onAck)
    {
        try
        {
            while (true)
            {
                var message = await ReadMessageAsync(_stream, ProtocolConstants.MaxMaxFrameBytes, _closed.Token).ConfigureAwait(false);
                switch (message)
                {
                    case null:
                        ShimEventSource.Log.Disconnected("the sidecar closed the connection");
                        return;
                    case AckMessage ack:
                        onAck(ack.ExecutionIds);
                        break;
                    case ErrorMessage error:
                        LastErrorCode = error.Code;
                        ShimEventSource.Log.SidecarError(error.Code, error.Message);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or ProtocolException)
        {
            ShimEventSource.Log.Disconnected(ex.Message);
        }
        finally
        {
            await _closed.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads one whole message; null at a clean end of stream.</summary>
    private static async Task<ProtocolMessage?> ReadMessageAsync(Stream stream, int maxFrameBytes, CancellationToken cancellationToken) =>
        await FrameReader.ReadAsync(stream, maxFrameBytes, cancellationToken).ConfigureAwait(false) is { } payload
            ? ProtocolSerializer.Decode(new ReadOnlySequence<byte>(payload))
            : null;
}
