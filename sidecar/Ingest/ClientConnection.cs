using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Tap.Protocol;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// One shim's connection: handshake, then frames until it closes. Anything wrong with the frames closes
/// this connection only, with an Error reply and a log line; in-flight executions are then decided by rule 7.
/// </summary>
internal sealed class ClientConnection(
    long id,
    Stream stream,
    IngestOptions options,
    ExecutionRecorder recorder,
    ExecutionOwnership ownership,
    PartialFrameBudget partialFrames,
    TimeProvider time,
    ILogger logger)
{
    private readonly FrameInProgress _frame = new(partialFrames, options.FrameTimeout, time);

    public async Task RunAsync(CancellationToken stopping)
    {
        await using var replies = new ReplyWriter(stream);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        ExecutionTracker? tracker = null;
        try
        {
            tracker = await HandshakeAsync(reader, replies, stopping);
            if (tracker is not null)
            {
                await ReadFramesAsync(reader, tracker, stopping);
            }
        }
        catch (ProtocolException ex)
        {
            if (ex.Code == ProtocolErrorCodes.ExecutionOwned)
            {
                IngestLog.ExecutionOwned(logger, id, ex.Message);
            }
            else
            {
                IngestLog.ProtocolViolation(logger, id, ex.Code, ex.Message);
            }

            await replies.TrySendAsync(new ErrorMessage { Code = ex.Code, Message = ex.Message }, TimeSpan.FromSeconds(1));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await replies.TrySendAsync(new ErrorMessage { Code = ProtocolErrorCodes.ShuttingDown, Message = "The sidecar is stopping." }, TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The proxy went away: its in-flight executions are finalized below.
        }
        catch (Exception ex)
        {
            IngestLog.ConnectionFailed(logger, id, ex);
        }
        finally
        {
            await reader.CompleteAsync();
            if (tracker is not null)
            {
                var how = stopping.IsCancellationRequested ? Finalization.Shutdown : Finalization.ConnectionLost;
                IngestLog.ConnectionClosed(logger, id, tracker.FinalizeAll(how, time.GetUtcNow()));
            }
        }
    }

    private async Task<ExecutionTracker?> HandshakeAsync(PipeReader reader, ReplyWriter replies, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.HandshakeTimeout);
        ProtocolMessage? first;
        try
        {
            first = await ReadOneAsync(reader, timeout.Token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            throw new ProtocolException(ProtocolErrorCodes.HandshakeRequired, $"No Hello within {options.HandshakeTimeout.TotalSeconds:0.#} s.");
        }

        if (first is null)
        {
            return null;
        }

        if (first is not HelloMessage hello)
        {
            throw new ProtocolException(ProtocolErrorCodes.HandshakeRequired, $"The first frame must be Hello, not {first.Type}.");
        }

        if (hello.ProtocolVersion != ProtocolConstants.Version)
        {
            var reason = $"Protocol version {hello.ProtocolVersion} is not supported; this sidecar speaks version {ProtocolConstants.Version}.";
            IngestLog.HandshakeRefused(logger, id, reason);
            await replies.TrySendAsync(new HelloReplyMessage { Accepted = false, Reason = reason, ProtocolVersion = ProtocolConstants.Version }, TimeSpan.FromSeconds(1));
            return null;
        }

        Guid? instance = hello.InstanceId switch
        {
            null => null,
            { Length: ProtocolConstants.ExecutionIdBytes } bytes => ExecutionIds.FromBytes(bytes),
            var bytes => throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"Hello carries an instance id of {bytes.Length} bytes; it must be {ProtocolConstants.ExecutionIdBytes}."),
        };

        await replies.SendAsync(
            new HelloReplyMessage { Accepted = true, ProtocolVersion = ProtocolConstants.Version, MaxFrameBytes = options.MaxFrameBytes, ServerName = "tap" },
            stopping);
        IngestLog.ConnectionAccepted(logger, id, hello.GatewayName, hello.ProcessId, hello.HostName);
        if (hello.DroppedExecutions > 0)
        {
            IngestLog.ShimReportedDrops(logger, hello.GatewayName, hello.ProcessId, hello.DroppedExecutions);
        }

        var client = new ClientIdentity { Process = hello.ProcessName, ProcessId = hello.ProcessId, Host = hello.HostName, Gateway = hello.GatewayName };

        // A shim that names its instance reports each drop in a Loss message, by execution id: its cumulative count
        // would count them twice (and count executions recorded after all).
        if (hello.DroppedExecutions > 0 && instance is null)
        {
            recorder.ReportShimLoss(client, hello.DroppedExecutions);
        }

        return new ExecutionTracker(id, client, instance, recorder, ownership, replies.Acknowledge, options.MaxExecutionsPerConnection);
    }

    private async Task<ProtocolMessage?> ReadOneAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                if (FrameReader.TryRead(ref buffer, options.MaxFrameBytes, out var payload))
                {
                    var message = ProtocolSerializer.Decode(payload);
                    reader.AdvanceTo(buffer.Start);
                    return message;
                }

                // The handshake's own timeout bounds a slow Hello; the budget bounds the bytes of many.
                var leftOver = buffer.Length;
                var waiting = result.IsCompleted ? Task.CompletedTask : _frame.TrackAsync(buffer, newFrame: false, cancellationToken);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    ThrowIfTruncated(leftOver);
                    return null;
                }

                await waiting;
            }
        }
        finally
        {
            _frame.Reset();
        }
    }

    private async Task ReadFramesAsync(PipeReader reader, ExecutionTracker tracker, CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    // A store that falls behind pauses the reading: the shim keeps what it cannot send, instead of the
                    // sidecar deciding executions it has no room to record.
                    await recorder.WaitForRoomAsync(stopping);
                    result = await _frame.ReadAsync(reader, stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Stopping: what already arrived is finished and committed; only what is still in flight is finalized.
                    if (reader.TryRead(out var last))
                    {
                        Apply(last.Buffer, tracker, out _);
                    }

                    throw;
                }

                Apply(result.Buffer, tracker, out var rest);
                var leftOver = rest.Length;

                // Frames in progress are bounded in bytes over all connections and in time each (issue 12).
                var waiting = result.IsCompleted ? Task.CompletedTask : _frame.TrackAsync(rest, newFrame: leftOver < result.Buffer.Length, stopping);
                reader.AdvanceTo(rest.Start, rest.End);
                if (result.IsCompleted)
                {
                    ThrowIfTruncated(leftOver);
                    return;
                }

                await waiting;
            }
        }
        finally
        {
            _frame.Reset();
        }
    }

    private void Apply(ReadOnlySequence<byte> buffer, ExecutionTracker tracker, out ReadOnlySequence<byte> rest)
    {
        while (FrameReader.TryRead(ref buffer, options.MaxFrameBytes, out var payload))
        {
            // Most frames are chunks: read in place, they cost no message object and no copy of their data.
            if (payload.IsSingleSegment && ChunkFrame.TryRead(payload.FirstSpan, out var executionId, out var sequence, out var timestamp, out var data))
            {
                tracker.HandleChunk(executionId, sequence, timestamp, data);
                continue;
            }

            switch (ProtocolSerializer.Decode(payload))
            {
                case LossMessage loss:
                    tracker.HandleLoss(loss);
                    break;
                case ExecutionMessage message:
                    tracker.Handle(message);
                    break;
                case var other:
                    throw new ProtocolException(ProtocolErrorCodes.InvalidField, $"{other.Type} is not expected after the handshake.");
            }
        }

        rest = buffer;
    }

    private static void ThrowIfTruncated(long leftOver)
    {
        if (leftOver > 0)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, $"The connection closed in the middle of a frame ({leftOver} bytes left over).");
        }
    }
}
