using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.IO.Pipes;
using Tap.Protocol;

namespace Tap.Tests.Support;

/// <summary>
/// A real pipe server that speaks the protocol's handshake and keeps every decoded frame: it lets shim
/// tests see exactly what went over the wire, without the sidecar's decisions in between.
/// </summary>
internal sealed class RawSidecar : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private NamedPipeServerStream? _current;
    private TaskCompletionSource _reading = CompletedGate();

    public RawSidecar(string pipeName, bool acceptHandshake = true)
    {
        PipeName = pipeName;
        AcceptHandshake = acceptHandshake;
        _loop = Task.Run(AcceptAsync);
    }

    public string PipeName { get; }

    public bool AcceptHandshake { get; }

    public ConcurrentQueue<ProtocolMessage> Received { get; } = new();

    public int Connections;

    /// <summary>Frames it could not decode (each ended its connection).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public IEnumerable<T> OfType<T>() => Received.OfType<T>();

    /// <summary>Acknowledges every execution that has ended, as the real sidecar does after committing records.</summary>
    public async Task AcknowledgeAllAsync()
    {
        var ended = Received.OfType<EndMessage>().Select(e => e.ExecutionId).ToArray();
        await _current!.WriteAsync(ProtocolSerializer.ToFrame(new AckMessage { ExecutionIds = ended }));
        await _current.FlushAsync();
    }

    /// <summary>Stops reading, as a sidecar whose store falls behind does: the shim's writes then block.</summary>
    public void PauseReading() => _reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResumeReading() => _reading.TrySetResult();

    /// <summary>Acknowledges these ids (executions or loss reports).</summary>
    public async Task AcknowledgeAsync(IEnumerable<byte[]> ids)
    {
        await _current!.WriteAsync(ProtocolSerializer.ToFrame(new AckMessage { ExecutionIds = ids.ToArray() }));
        await _current.FlushAsync();
    }

    /// <summary>Closes the current connection, as a crashing sidecar would.</summary>
    public void DropConnection() => _current?.Dispose();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _current?.Dispose();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var server = new NamedPipeServerStream(PipeName, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, System.IO.Pipes.PipeOptions.Asynchronous);
            try
            {
                await server.WaitForConnectionAsync(_stop.Token);
                _current = server;
                Interlocked.Increment(ref Connections);
                await ServeAsync(server);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
            finally
            {
                await server.DisposeAsync();
            }
        }
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }

    private async Task ServeAsync(Stream stream)
    {
        var reader = PipeReader.Create(stream);
        while (true)
        {
            await _reading.Task.WaitAsync(_stop.Token);
            var result = await reader.ReadAsync(_stop.Token);
            var buffer = result.Buffer;
            while (FrameReader.TryRead(ref buffer, ProtocolConstants.MaxMaxFrameBytes, out var payload))
            {
                ProtocolMessage message;
                try
                {
                    message = ProtocolSerializer.Decode(payload);
                }
                catch (Exception ex)
                {
                    Errors.Enqueue(ex.Message);
                    return;
                }

                Received.Enqueue(message);
                if (message is HelloMessage)
                {
                    var reply = new HelloReplyMessage { Accepted = AcceptHandshake, Reason = AcceptHandshake ? null : "test refusal", ProtocolVersion = 1, MaxFrameBytes = ProtocolConstants.DefaultMaxFrameBytes };
                    await stream.WriteAsync(ProtocolSerializer.ToFrame(reply), _stop.Token);
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
