using static Tap.Tests.Streams.AnthropicMessages.AnthropicHarness;

namespace Tap.Tests.Streams.AnthropicMessages;

public sealed class AnthropicMessagesAggregatorSplitTests
{
    private static readonly string[] Transcripts = FixtureFiles.AnthropicMessagesTranscripts;

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

        var oneByOne = Feed(EventStream, bytes.Select(b => new[] { b }).ToArray());

        Assert.That(Snapshot(oneByOne), Is.EqualTo(Snapshot(Feed(EventStream, bytes))));
    }

    [TestCase("anthropic-messages/body.json")]
    [TestCase("anthropic-messages/error-4xx.json")]
    public void Body_split_at_every_byte_boundary_gives_the_same_result(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var expected = Snapshot(Feed("application/json", bytes));

        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.That(Snapshot(Feed("application/json", bytes[..split], bytes[split..])), Is.EqualTo(expected), $"split at byte {split}");
        }
    }
}
