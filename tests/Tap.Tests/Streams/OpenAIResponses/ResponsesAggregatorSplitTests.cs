using static Tap.Tests.Streams.OpenAIResponses.ResponsesHarness;

namespace Tap.Tests.Streams.OpenAIResponses;

/// <summary>The upstream's chunk boundaries never change what is aggregated.</summary>
public sealed class ResponsesAggregatorSplitTests
{
    private const string Json = "application/json";

    private static readonly string[] AllTranscripts = [.. Transcripts, "openai-responses/keepalive.sse", "openai-responses/error-after-terminal.sse"];
    private static readonly string[] Bodies = ["openai-responses/body.json", "openai-responses/error-429.json"];

    [TestCaseSource(nameof(AllTranscripts))]
    public void Transcript_split_at_every_byte_boundary_gives_the_same_result(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var expected = Snapshot(Feed(EventStream, bytes));

        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.That(Snapshot(Feed(EventStream, bytes[..split], bytes[split..])), Is.EqualTo(expected), $"split at byte {split}");
        }
    }

    [TestCaseSource(nameof(AllTranscripts))]
    public void Transcript_fed_byte_by_byte_gives_the_same_result(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);

        var byteByByte = Feed(EventStream, [.. bytes.Select(b => new[] { b })]);

        Assert.That(Snapshot(byteByByte), Is.EqualTo(Snapshot(Feed(EventStream, bytes))));
    }

    [TestCaseSource(nameof(Bodies))]
    public void Body_split_at_every_byte_boundary_gives_the_same_result(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var expected = Snapshot(Feed(Json, bytes));

        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.That(Snapshot(Feed(Json, bytes[..split], bytes[split..])), Is.EqualTo(expected), $"split at byte {split}");
        }

        Assert.That(Snapshot(Feed(Json, [.. bytes.Select(b => new[] { b })])), Is.EqualTo(expected), "byte by byte");
    }
}
