using System.IO.Pipelines;
using System.IO.Pipes;
using Tap.Protocol;

namespace Tap.Tests.Support;

/// <summary>A hand-driven shim connection on a real socket: it sends exactly the bytes a test gives it.</summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private readonly NamedPipeClientStream _pipe;
    private readonly PipeReader _reader;

    private RawConnection(NamedPipeClientStream pipe)
    {
        _pipe = pipe;
        _reader = PipeReader.Create(pipe, new StreamPipeReaderOptions(leaveOpen: true));
    }

    public static async Task<RawConnection> ConnectAsync(string pipeName)
    {
        var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, System.IO.Pipes.PipeOptions.Asynchronous);
        await pipe.ConnectAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        return new RawConnection(pipe);
    }

    /// <summary>Sends Hello and returns the sidecar's first reply (a HelloReply, or an Error when refused).</summary>
    public async Task<ProtocolMessage?> HelloAsync()
    {
        await WriteAsync(ProtocolSerializer.ToFrame(new HelloMessage { ProtocolVersion = ProtocolConstants.Version, ProcessName = "raw-shim", ProcessId = Environment.ProcessId }));
        return await ReadAsync();
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await _pipe.WriteAsync(bytes);
        await _pipe.FlushAsync();
    }

    /// <summary>The last message the sidecar sent before it closed the connection (null when it sent none).</summary>
    public async Task<ProtocolMessage?> ReadUntilClosedAsync()
    {
        ProtocolMessage? last = null;
        while (await ReadAsync() is { } message)
        {
            last = message;
        }

        return last;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _pipe.DisposeAsync();
    }

    private async Task<ProtocolMessage?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(timeout.Token);
            }
            catch (IOException)
            {
                return null; // reset by the sidecar
            }

            var buffer = result.Buffer;
            if (FrameReader.TryRead(ref buffer, ProtocolConstants.MaxMaxFrameBytes, out var payload))
            {
                var message = ProtocolSerializer.Decode(payload);
                _reader.AdvanceTo(buffer.Start);
                return message;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }
}
