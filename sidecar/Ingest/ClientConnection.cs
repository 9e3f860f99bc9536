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
            // Frames as the shim writes them are read in place: no message object, no copy of a chunk's data.
            if (payload.IsSingleSegment && TryApplyInPlace(payload.FirstSpan, tracker))
            {
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

    /// <summary>A Chunk, Response, Signal without text or End laid out as the shim writes it (ChunkFrame, ControlFrame); false for anything else.</summary>
    private static bool TryApplyInPlace(ReadOnlySpan<byte> payload, ExecutionTracker tracker)
    {
        ReadOnlySpan<byte> id;
        uint sequence;
        long timestamp;
        switch (payload.Length > 1 ? (MessageType)payload[1] : default)
        {
            case MessageType.Chunk when ChunkFrame.TryRead(payload, out id, out sequence, out timestamp, out var data):
                tracker.HandleChunk(id, sequence, timestamp, data);
                return true;
            case MessageType.Response when ControlFrame.TryReadResponse(payload, out id, out sequence, out timestamp, out var status, out var contentType):
                var (response, responseDetail) = SignalDispatcher.OfResponse(status, contentType);
                tracker.HandleSignal(id, MessageType.Response, sequence, timestamp, response, responseDetail);
                return true;
            case MessageType.Signal when ControlFrame.TryReadSignal(payload, out id, out sequence, out timestamp, out var kind):
                var (signal, signalDetail) = SignalDispatcher.OfSignal(kind, errorKind: null, message: null);
                tracker.HandleSignal(id, MessageType.Signal, sequence, timestamp, signal, signalDetail);
                return true;
            case MessageType.End when ControlFrame.TryReadEnd(payload, out id, out sequence, out timestamp, out var dropped):
                var (end, endDetail) = SignalDispatcher.OfEnd(dropped);
                tracker.HandleSignal(id, MessageType.End, sequence, timestamp, end, endDetail);
                return true;
            default:
                return false;
        }
    }

    private static void ThrowIfTruncated(long leftOver)
    {
        if (leftOver > 0)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, $"The connection closed in the middle of a frame ({leftOver} bytes left over).");
        }
    }
}
