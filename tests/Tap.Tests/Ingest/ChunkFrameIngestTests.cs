using Tap.Protocol;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Ingest;

/// <summary>
/// The sidecar reads a Chunk written as the shim writes it in place (docs/protocol.md, "Chunk"), and any other valid
/// encoding through the MessagePack decoder: the two must record the same execution, on the same real pipe.
/// </summary>
public sealed class ChunkFrameIngestTests
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
