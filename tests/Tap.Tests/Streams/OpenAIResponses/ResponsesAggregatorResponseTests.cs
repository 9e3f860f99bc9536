using System.Text;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.OpenAIResponses;
using static Tap.Tests.Streams.OpenAIResponses.ResponsesHarness;

namespace Tap.Tests.Streams.OpenAIResponses;

public sealed class ResponsesAggregatorResponseTests
{
    [Test]
    public void Response_is_written_as_a_compact_response_object_without_nulls()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("openai-responses/tool-calls.sse"));

        var response = aggregator.BuildResponse(int.MaxValue, out var truncated);

        Assert.That(truncated, Is.False);
        Assert.That(response, Is.EqualTo(
            """{"id":"resp_68f1c0detools00000000000000000000000000000000001","object":"response","model":"gpt-4.1-2025-04-14","status":"completed","output":["""
            + """{"id":"fc_68f1c0detools00000000000000000000000000000000001","type":"function_call","status":"completed","call_id":"call_9sKdXq2mRfTz1vLpW3aNbYcE","name":"get_weather","arguments":"{\"location\":\"Paris, France\"}"},"""
            + """{"id":"fc_68f1c0detools00000000000000000000000000000000002","type":"function_call","status":"completed","call_id":"call_Hq7uTn4cVbJ0eR8sYw2kLmPd","name":"get_weather","arguments":"{\"location\":\"Tōkyō, Japan\"}"}],"usage":"""
            + """{"input_tokens":82,"input_tokens_details":{"cached_tokens":64},"output_tokens":38,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":120}}"""));
    }

    [Test]
    public void Response_longer_than_max_chars_is_cut_and_marked_truncated()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("openai-responses/text.sse"));

        var full = aggregator.BuildResponse(int.MaxValue, out var fullTruncated);
        var cut = aggregator.BuildResponse(40, out var cutTruncated);

        Assert.That(fullTruncated, Is.False);
        Assert.That(cutTruncated, Is.True);
        Assert.That(cut, Is.EqualTo(full[..40]));
    }

    [Test]
    public void Text_past_the_aggregation_cap_is_dropped_and_marked_truncated()
    {
        var aggregator = new ResponsesAggregator(EventStream, maxTextChars: 10);
        foreach (var piece in new[] { TextDelta("Hello"), TextDelta(" world"), TextDelta("!") })
        {
            aggregator.Append(Encoding.UTF8.GetBytes(piece), T0);
        }

        aggregator.CompleteUpstream(T0);

        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("Hello worl"));
        aggregator.BuildResponse(int.MaxValue, out var truncated);
        Assert.That(truncated, Is.True);
    }

    [Test]
    public void Factory_gives_the_Responses_aggregator_for_its_format_name()
    {
        var aggregator = AggregatorFactory.Create("openai-responses", "text/event-stream");

        Assert.That(aggregator, Is.InstanceOf<ResponsesAggregator>());
        Assert.That(aggregator.Format, Is.EqualTo("openai-responses"));
    }
}
