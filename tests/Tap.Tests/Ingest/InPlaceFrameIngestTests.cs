using Tap.Protocol;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Ingest;

/// <summary>
/// The sidecar reads Chunk, Response, a Signal without text and End written as the shim writes them in place
/// (docs/protocol.md), and any other valid encoding through the MessagePack decoder: the two must record the same
/// execution, on the same real pipe.
/// </summary>
public sealed class InPlaceFrameIngestTests
{
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");

    [Test]
    public async Task Chunks_read_in_place_and_chunks_decoded_by_MessagePack_record_the_same_execution()
    {
        await using var sidecar = await SidecarProcess.StartAsync(settings: new Dictionary<string, string?> { ["Tap:Store:StoreRawChunks"] = "true" });
        await using var shim = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid());
        var decoded = Guid.NewGuid();
        var inPlace = Guid.NewGuid();
        var mixed = Guid.NewGuid();

        await shim.SendAsync(RawShim.Execution(decoded, "decoded"));
        await shim.SendBytesAsync(Frames(RawShim.Execution(inPlace, "in-place"), byHand: _ => true));

        // The first chunk by hand and again (a repeat the sidecar ignores with a note), the second through MessagePack.
        var frames = RawShim.Execution(mixed, "mixed").ToList();
        frames.Insert(3, frames[2]);
        await shim.SendBytesAsync(Frames(frames, byHand: chunk => chunk.Sequence == 2));
        await shim.WaitForAcksAsync([decoded, inPlace, mixed]);

        var expected = await sidecar.WaitForRecordAsync("decoded");
        foreach (var requestId in new[] { "in-place", "mixed" })
        {
            var record = await sidecar.WaitForRecordAsync(requestId);
            Assert.Multiple(() =>
            {
                Assert.That((record.Status, record.Reason, record.Rule), Is.EqualTo((expected.Status, expected.Reason, expected.Rule)), requestId);
                Assert.That(record.Response, Is.EqualTo(expected.Response).And.Not.Empty, requestId);
                Assert.That((record.ChunkCount, record.ByteCount), Is.EqualTo((2L, (long)Transcript.Length)), requestId);
                Assert.That(record.RawChunks!.SelectMany(c => c.Data).ToArray(), Is.EqualTo(Transcript), requestId);
            });
        }

        Assert.That((await sidecar.WaitForRecordAsync("mixed")).Notes, Has.One.Contains("Chunk with sequence 2 repeated an earlier frame and was ignored."));
    }

    [Test]
    public async Task Every_frame_written_as_the_shim_writes_it_records_the_same_execution_as_decoded_frames()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var shim = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid());
        var decoded = Guid.NewGuid();
        var byHand = Guid.NewGuid();
        var dropped = Guid.NewGuid();

        await shim.SendAsync(RawShim.Execution(decoded, "all-decoded"));
        await shim.SendBytesAsync(RawShim.Execution(byHand, "all-by-hand").SelectMany(ByHand).ToArray());

        // The shim's "dropped whole" End, a negative fixint where the serializer writes 0xff as well.
        var partial = RawShim.Execution(dropped, "dropped-by-hand", complete: false);
        var end = new EndMessage { ExecutionId = ExecutionIds.ToBytes(dropped), Sequence = 3, Timestamp = ((ExecutionMessage)partial[^1]).Timestamp, DroppedFrames = EndMessage.DroppedWhole };
        await shim.SendBytesAsync(partial.Append(end).SelectMany(ByHand).ToArray());
        await shim.WaitForAcksAsync([decoded, byHand, dropped]);

        var expected = await sidecar.WaitForRecordAsync("all-decoded");
        var record = await sidecar.WaitForRecordAsync("all-by-hand");
        var shimDropped = await sidecar.WaitForRecordAsync("dropped-by-hand");
        Assert.Multiple(() =>
        {
            Assert.That((record.Status, record.Reason, record.Rule, record.UpstreamStatus, record.ContentType), Is.EqualTo((expected.Status, expected.Reason, expected.Rule, expected.UpstreamStatus, expected.ContentType)));
            Assert.That((record.Format, record.Stream, record.Attempt, record.Response), Is.EqualTo((expected.Format, expected.Stream, expected.Attempt, expected.Response)));
            Assert.That(record.Signals.Select(s => s.Kind), Is.EqualTo(expected.Signals.Select(s => s.Kind)).And.Contains("upstream_end"));
            Assert.That(shimDropped.Signals.Select(s => s.Kind), Has.Member("shim_dropped"));
        });
    }

    /// <summary>A frame as the shim encodes it by hand where it does (ChunkFrame, ControlFrame), else through MessagePack.</summary>
    private static byte[] ByHand(ProtocolMessage message)
    {
        switch (message)
        {
            case StartMessage start:
                var fields = new StartFields { RequestId = start.RequestId, Attempt = start.Attempt, ApiFormat = start.ApiFormat, Stream = start.Stream };
                var startFrame = new byte[ControlFrame.StartLength(fields)];
                ControlFrame.WriteStart(startFrame, fields, start.ExecutionId, start.Sequence, start.Timestamp);
                return startFrame;
            case ChunkMessage chunk:
                var chunkFrame = new byte[ChunkFrame.Overhead + chunk.Data.Length];
                ChunkFrame.Write(chunkFrame, chunk.ExecutionId, chunk.Sequence, chunk.Timestamp, chunk.Data);
                return chunkFrame;
            case ResponseMessage response:
                var textBytes = ControlFrame.TextBytes(response.ContentType);
                var responseFrame = new byte[ControlFrame.ResponseLength(textBytes)];
                ControlFrame.WriteResponse(responseFrame, response.StatusCode, response.ContentType, textBytes, response.ExecutionId, response.Sequence, response.Timestamp);
                return responseFrame;
            case SignalMessage { ErrorKind: null, Message: null } signal:
                var signalFrame = new byte[ControlFrame.SignalLength];
                ControlFrame.WriteSignal(signalFrame, signal.Kind, signal.ExecutionId, signal.Sequence, signal.Timestamp);
                return signalFrame;
            case EndMessage end:
                var endFrame = new byte[ControlFrame.EndLength];
                ControlFrame.WriteEnd(endFrame, end.ExecutionId, end.Sequence, end.Timestamp);
                endFrame[^1] = unchecked((byte)(sbyte)end.DroppedFrames);
                return endFrame;
            default:
                return ProtocolSerializer.ToFrame(message);
        }
    }

    private static byte[] Frames(IEnumerable<ProtocolMessage> messages, Func<ChunkMessage, bool> byHand) =>
    [
        .. messages.SelectMany(message =>
        {
            if (message is not ChunkMessage chunk || !byHand(chunk))
            {
                return ProtocolSerializer.ToFrame(message);
            }

            var frame = new byte[ChunkFrame.Overhead + chunk.Data.Length];
            ChunkFrame.Write(frame, chunk.ExecutionId, chunk.Sequence, chunk.Timestamp, chunk.Data);
            return frame;
        }),
    ];
}
