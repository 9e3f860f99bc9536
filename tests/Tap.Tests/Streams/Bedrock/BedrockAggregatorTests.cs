using System.Text.Json;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.AwsEventStream;
using Tap.Tests.Streams.AwsEventStream;

using static Tap.Tests.Streams.Bedrock.BedrockTranscripts;

namespace Tap.Tests.Streams.Bedrock;

public sealed class BedrockAggregatorTests
{
    private const string EventStreamType = "application/vnd.amazon.eventstream";

    public static IEnumerable<TestCaseData> Transcripts()
    {
        yield return new TestCaseData("bedrock-converse", ConverseText("end_turn")).SetName("Converse text");
        yield return new TestCaseData("bedrock-converse", ConverseToolUse()).SetName("Converse tool use");
        yield return new TestCaseData("bedrock-invoke-anthropic", InvokeAnthropic()).SetName("Invoke Anthropic");
    }

    [TestCaseSource(nameof(Transcripts))]
    public void Split_at_every_byte_gives_the_same_aggregate(string format, byte[] transcript)
    {
        var expected = Aggregate(format, [transcript]);
        Assert.That(expected.Fault, Is.Null);

        for (var split = 0; split <= transcript.Length; split++)
        {
            Assert.That(Aggregate(format, [transcript[..split], transcript[split..]]), Is.EqualTo(expected), $"split at byte {split}");
        }
    }

    [TestCaseSource(nameof(Transcripts))]
    public void Split_around_every_frame_boundary_into_three_gives_the_same_aggregate(string format, byte[] transcript)
    {
        var expected = Aggregate(format, [transcript]);
        foreach (var end in EventStreamLayout.MessageEnds(transcript).Select(e => (int)e).Where(e => e < transcript.Length))
        {
            for (var before = Math.Max(0, end - 14); before <= end; before++)
            {
                for (var after = end; after <= Math.Min(transcript.Length, end + 14); after++)
                {
                    Assert.That(Aggregate(format, [transcript[..before], transcript[before..after], transcript[after..]]), Is.EqualTo(expected), $"cuts at {before} and {after}");
                }
            }
        }
    }

    [Test]
    public void Text_content_type_on_a_streamed_Bedrock_response_is_read_as_the_event_stream_the_shim_did_not_name()
    {
        var aggregator = AggregatorFactory.Create("bedrock-converse", "text/event-stream");
        aggregator.Append(ConverseText(), DateTimeOffset.UnixEpoch);

        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("metadata"));
    }

    [Test]
    public void A_chunk_whose_bytes_are_not_base64_is_malformed()
    {
        var aggregator = AggregatorFactory.Create("bedrock-invoke-anthropic", EventStreamType);
        aggregator.Append(EventStreamEncoder.Event("chunk", """{"bytes":"not base64!"}"""), DateTimeOffset.UnixEpoch);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void A_payload_that_is_not_JSON_is_malformed()
    {
        var aggregator = AggregatorFactory.Create("bedrock-converse", EventStreamType);
        aggregator.Append(EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"""), DateTimeOffset.UnixEpoch);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void Events_after_metadata_change_nothing()
    {
        var aggregator = AggregatorFactory.Create("bedrock-converse", EventStreamType);
        aggregator.Append([.. ConverseText(), .. EventStreamEncoder.Exception("throttlingException", """{"message":"late"}"""), 0xFF, 0xFF], DateTimeOffset.UnixEpoch);

        Assert.That((aggregator.Terminal?.Name, aggregator.Fault), Is.EqualTo(("metadata", (Tap.Sidecar.Streams.StreamFault?)null)));
    }

    [Test]
    public void The_answer_is_complete_at_messageStop_but_the_usage_is_final_only_at_metadata()
    {
        var transcript = ConverseText();
        var aggregator = AggregatorFactory.Create("bedrock-converse", EventStreamType);
        aggregator.Append(transcript.AsSpan(0, (int)EventStreamLayout.MessageEnds(transcript)[^2]), DateTimeOffset.UnixEpoch);

        Assert.That((aggregator.AnswerComplete, aggregator.FinalUsage, aggregator.Terminal), Is.EqualTo((true, (Tap.Sidecar.Streams.TokenUsage?)null, (Tap.Sidecar.Streams.TerminalEvent?)null)));
    }

    private static (string? Terminal, string? Fault, string? Finish, long? Input, long? Output, string Response, string Text) Aggregate(string format, byte[][] chunks)
    {
        var aggregator = AggregatorFactory.Create(format, EventStreamType);
        foreach (var chunk in chunks)
        {
            aggregator.Append(chunk, DateTimeOffset.UnixEpoch);
        }

        aggregator.CompleteUpstream(DateTimeOffset.UnixEpoch);
        using var response = JsonDocument.Parse(aggregator.BuildResponse(1 << 20, out _));
        return (aggregator.Terminal?.Name, aggregator.Fault?.Code, aggregator.FinishReason, aggregator.FinalUsage?.Input, aggregator.FinalUsage?.Output,
            response.RootElement.GetRawText(), aggregator.GeneratedText());
    }
}
