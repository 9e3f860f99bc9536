using static Tap.Tests.Streams.Gemini.GeminiHarness;

namespace Tap.Tests.Streams.Gemini;

/// <summary>The upstream's chunk boundaries never change what is aggregated.</summary>
public sealed class GeminiAggregatorSplitTests
{
    private static readonly string[] Transcripts = FixtureFiles.GeminiTranscripts;
    private static readonly string[] Bodies = FixtureFiles.GeminiBodies;

    [TestCaseSource(nameof(Transcripts))]
    public void Transcript_split_at_every_byte_boundary_gives_the_same_result(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var expected = Snapshot(Feed(EventStream, bytes));

        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.That(Snapshot(Feed(EventStream, bytes[..split], bytes[split..])), Is.EqualTo(expected), $"split at byte {split}");
        }
    }

    [TestCaseSource(nameof(Transcripts))]
    public void Transcript_fed_byte_by_byte_gives_the_same_result(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);

        var byteByByte = Feed(EventStream, bytes.Select(b => new[] { b }).ToArray());

        Assert.That(Snapshot(byteByByte), Is.EqualTo(Snapshot(Feed(EventStream, bytes))));
    }

    [TestCaseSource(nameof(Bodies))]
    public void Body_split_at_every_byte_boundary_gives_the_same_result(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var expected = Snapshot(Feed(JsonBody, bytes));

        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.That(Snapshot(Feed(JsonBody, bytes[..split], bytes[split..])), Is.EqualTo(expected), $"split at byte {split}");
        }

        Assert.That(Snapshot(Feed(JsonBody, bytes.Select(b => new[] { b }).ToArray())), Is.EqualTo(expected), "byte by byte");
    }
}
