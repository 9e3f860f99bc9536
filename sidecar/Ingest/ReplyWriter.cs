using System.Threading.Channels;
using Tap.Protocol;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// Writes the sidecar's replies on one connection. Acknowledgements come from the store's writer thread,
/// one per committed record; they are gathered so that a committed batch goes back as one Ack frame.
/// </summary>
internal sealed class ReplyWriter : IAsyncDisposable
{
    private const int MaxIdsPerAck = 1024;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<Guid> _acks = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _ackLoop;

    public ReplyWriter(Stream stream)
    {
        _stream = stream;
        _ackLoop = Task.Run(SendAcksAsync);
    }

    public void Acknowledge(Guid executionId) => _acks.Writer.TryWrite(executionId);

    public async Task SendAsync(ProtocolMessage message, CancellationToken cancellationToken)
    {
        var frame = ProtocolSerializer.ToFrame(message);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(frame, cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Best effort: the peer may already be gone, and an error reply must not mask why we close.</summary>
    public async Task TrySendAsync(ProtocolMessage message, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await SendAsync(message, cts.Token);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _acks.Writer.TryComplete();
        await _closing.CancelAsync();
        await _ackLoop;
        _closing.Dispose();
        _writeLock.Dispose();
    }

    private async Task SendAcksAsync()
    {
        var ids = new List<byte[]>();
        try
        {
            while (await _acks.Reader.WaitToReadAsync(_closing.Token))
            {
                while (ids.Count < MaxIdsPerAck && _acks.Reader.TryRead(out var id))
                {
                    ids.Add(ExecutionIds.ToBytes(id));
                }

                await SendAsync(new AckMessage { ExecutionIds = [.. ids] }, _closing.Token);
                ids.Clear();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone; the shim learns nothing more from this one.
        }
    }
}
