using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.IO.Pipes;
using Tap.Protocol;
using Tap.Tests.Streams;

namespace Tap.Tests.Support;

/// <summary>
/// A shim written frame by frame over the real pipe: it says exactly what a test wants on the wire (a replay while the
/// old connection is still open, a foreign Start, a Loss report) and keeps every reply of the sidecar.
/// </summary>
internal sealed class RawShim : IAsyncDisposable
{
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");
    private readonly NamedPipeClientStream _pipe;
    private readonly Task _reading;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private RawShim(NamedPipeClientStream pipe)
    {
        _pipe = pipe;
        _reading = Task.Run(ReadAsync);
    }

    public ConcurrentQueue<ProtocolMessage> Received { get; } = new();

    /// <summary>The sidecar closed this connection.</summary>
    public bool Closed => _reading.IsCompleted;

    public ErrorMessage? Error => Received.OfType<ErrorMessage>().FirstOrDefault();

    public HashSet<Guid> Acknowledged => [.. Received.OfType<AckMessage>().SelectMany(a => a.ExecutionIds).Select(id => ExecutionIds.FromBytes(id))];

    /// <summary>Connects and says Hello as shim <paramref name="instance"/> (null: a shim that predates instance ids); waits for the reply.</summary>
    public static async Task<RawShim> ConnectAsync(string pipeName, Guid? instance, string gateway = "raw-gateway", long droppedExecutions = 0)
    {
        var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, System.IO.Pipes.PipeOptions.Asynchronous);
        await pipe.ConnectAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var shim = new RawShim(pipe);
        await shim.SendAsync(new HelloMessage
        {
            ProtocolVersion = ProtocolConstants.Version,
            ProcessName = "raw-shim",
            ProcessId = 77,
            HostName = "test-host",
            GatewayName = gateway,
            InstanceId = instance is { } id ? ExecutionIds.ToBytes(id) : null,
            DroppedExecutions = droppedExecutions,
        });
        await Eventually.TrueAsync(() => shim.Received.OfType<HelloReplyMessage>().Any(), "the sidecar answers the Hello");
        return shim;
    }

    /// <summary>The frames of one streamed execution that completes: Start to End, or only up to the first chunk.</summary>
    public static ProtocolMessage[] Execution(Guid id, string requestId, bool complete = true)
    {
        var bytes = ExecutionIds.ToBytes(id);
        var now = Timestamps.ToWire(DateTimeOffset.UtcNow);
        var half = Transcript.Length / 2;
        var start = new StartMessage { ExecutionId = bytes, Timestamp = now, RequestId = requestId, Attempt = 1, ApiFormat = "openai-chat", Stream = true };
        var response = new ResponseMessage { ExecutionId = bytes, Sequence = 1, Timestamp = now, StatusCode = 200, ContentType = "text/event-stream" };
        var first = new ChunkMessage { ExecutionId = bytes, Sequence = 2, Timestamp = now, Data = Transcript[..half] };
        return complete
            ?
            [
                start, response, first,
                new ChunkMessage { ExecutionId = bytes, Sequence = 3, Timestamp = now, Data = Transcript[half..] },
                new SignalMessage { ExecutionId = bytes, Sequence = 4, Timestamp = now, Kind = SignalKind.UpstreamEnd },
                new EndMessage { ExecutionId = bytes, Sequence = 5, Timestamp = now },
            ]
            : [start, response, first];
    }

    public static LossMessage Loss(Guid reportId, string reason, IEnumerable<Guid> executions, long uncounted = 0) => new()
    {
        ExecutionId = ExecutionIds.ToBytes(reportId),
        Timestamp = Timestamps.ToWire(DateTimeOffset.UtcNow),
        Reason = reason,
        ExecutionIds = [.. executions.Select(ExecutionIds.ToBytes)],
        Uncounted = uncounted,
    };

    public Task SendAsync(params IEnumerable<ProtocolMessage> messages) => SendBytesAsync(messages.SelectMany(ProtocolSerializer.ToFrame).ToArray());

    /// <summary>Frames as the test encoded them (by hand, as the shim does).</summary>
    public async Task SendBytesAsync(ReadOnlyMemory<byte> frames)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _pipe.WriteAsync(frames);
            await _pipe.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task WaitForAcksAsync(IEnumerable<Guid> ids, TimeSpan? timeout = null)
    {
        var wanted = ids.ToList();
        await Eventually.TrueAsync(() => Acknowledged.IsSupersetOf(wanted), $"{wanted.Count} ids are acknowledged", timeout ?? TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _pipe.DisposeAsync();
        await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        _writeLock.Dispose();
    }

    private async Task ReadAsync()
    {
        var reader = PipeReader.Create(_pipe, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                while (FrameReader.TryRead(ref buffer, ProtocolConstants.MaxMaxFrameBytes, out var payload))
                {
                    Received.Enqueue(ProtocolSerializer.Decode(payload));
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }
}
