using System.Buffers;
using System.IO.Pipelines;
using System.IO.Pipes;
using MessagePack;
using Tap.Protocol;

namespace Tap.Benchmarks.Hosts;

/// <summary>
/// The transport's limit: a pipe server that answers the handshake, then reads every frame and discards it.
/// It decodes only what the protocol obliges a server to: each frame's type, and an End's execution id, which it
/// acknowledges (the shim holds every frame of an execution until then). It serves any number of connections at once.
/// </summary>
internal sealed class DiscardServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly string _pipeName;
    private readonly Task _accept;
    private readonly Action<long>? _onClosed;

    /// <param name="onClosed">Called with a connection's byte count when its client closes it.</param>
    public DiscardServer(string pipeName, Action<long>? onClosed = null)
    {
        _pipeName = pipeName;
        _onClosed = onClosed;
        _accept = Task.Run(AcceptAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _accept.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var server = new NamedPipeServerStream(_pipeName, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, System.IO.Pipes.PipeOptions.Asynchronous);
            try
            {
                await server.WaitForConnectionAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                await server.DisposeAsync();
                return;
            }

            _ = Task.Run(() => ServeAsync(server));
        }
    }

    private async Task ServeAsync(NamedPipeServerStream stream)
    {
        long total = 0;
        await using (stream)
        {
            try
            {
                total = await HandshakeAsync(stream);
                var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
                var ended = new List<byte[]>();
                while (true)
                {
                    var result = await reader.ReadAsync(_stop.Token);
                    var buffer = result.Buffer;
                    var before = buffer.Length;
                    while (FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxFrameBytes, out var payload))
                    {
                        if (IsEnd(payload))
                        {
                            ended.Add(((EndMessage)ProtocolSerializer.Decode(payload)).ExecutionId);
                        }
                    }

                    total += before - buffer.Length;
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (ended.Count > 0)
                    {
                        await stream.WriteAsync(ProtocolSerializer.ToFrame(new AckMessage { ExecutionIds = [.. ended] }), _stop.Token);
                        ended.Clear();
                    }

                    if (result.IsCompleted)
                    {
                        break;
                    }
                }

                await reader.CompleteAsync();
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client closed while an Ack was being written: the connection is over all the same.
            }
            finally
            {
                _onClosed?.Invoke(total);
            }
        }
    }

    private static bool IsEnd(ReadOnlySequence<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        reader.ReadArrayHeader();
        return reader.ReadInt32() == (int)MessageType.End;
    }

    /// <summary>Reads exactly the Hello frame (the shim sends nothing else before the reply) and accepts it.</summary>
    private async Task<long> HandshakeAsync(Stream stream)
    {
        var prefix = new byte[ProtocolConstants.LengthPrefixBytes];
        await stream.ReadExactlyAsync(prefix, _stop.Token);
        var payload = new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(prefix)];
        await stream.ReadExactlyAsync(payload, _stop.Token);
        _ = ProtocolSerializer.Decode(new ReadOnlySequence<byte>(payload)) as HelloMessage
            ?? throw new IOException("The first frame was not Hello.");
        var reply = new HelloReplyMessage { Accepted = true, ProtocolVersion = ProtocolConstants.Version, MaxFrameBytes = ProtocolConstants.DefaultMaxFrameBytes, ServerName = "discard" };
        await stream.WriteAsync(ProtocolSerializer.ToFrame(reply), _stop.Token);
        return prefix.Length + payload.Length;
    }
}
