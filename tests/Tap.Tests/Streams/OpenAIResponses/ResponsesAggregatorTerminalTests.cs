using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.OpenAIResponses.ResponsesHarness;

namespace Tap.Tests.Streams.OpenAIResponses;

/// <summary>How each way a response can end maps onto a terminal class and a finish reason.</summary>
public sealed class ResponsesAggregatorTerminalTests
{
    [TestCase("response.completed", "completed", "", "Completed", "completed", "stop")]
    [TestCase("response.completed", "incomplete", "{\"reason\":\"max_output_tokens\"}", "Incomplete", "incomplete:max_output_tokens", "length")]
    [TestCase("response.completed", "incomplete", "{\"reason\":\"content_filter\"}", "Incomplete", "incomplete:content_filter", "content_filter")]
    [TestCase("response.incomplete", "incomplete", "{\"reason\":\"max_output_tokens\"}", "Incomplete", "incomplete:max_output_tokens", "length")]
    [TestCase("response.incomplete", "incomplete", "{\"reason\":\"content_filter\"}", "Incomplete", "incomplete:content_filter", "content_filter")]
    [TestCase("response.incomplete", "incomplete", "null", "Incomplete", "incomplete", "other")]
    [TestCase("response.failed", "failed", "", "Failed", "failed", "error")]
    [TestCase("response.failed", "cancelled", "", "Canceled", "cancelled", "other")]
    [TestCase("response.cancelled", "cancelled", "", "Canceled", "cancelled", "other")]
    public void Terminal_class_and_finish_reason_follow_the_snapshot_status(
        string type, string status, string incompleteDetails, string expectedClass, string finishReason, string normalized)
    {
        var details = incompleteDetails.Length == 0 ? "" : ",\"incomplete_details\":" + incompleteDetails;
        var aggregator = FeedEvents(ResponseEvent("response.created", "in_progress"), ResponseEvent(type, status, details));

        Assert.That(aggregator.Terminal?.Name, Is.EqualTo(type));
        Assert.That(aggregator.Terminal?.Class.ToString(), Is.EqualTo(expectedClass));
        Assert.That((aggregator.FinishReason, aggregator.NormalizedFinishReason), Is.EqualTo((finishReason, normalized)));
        Assert.That(aggregator.FinishClass.ToString(), Is.EqualTo(expectedClass == "Incomplete" ? "Incomplete" : "Completed"));
        Assert.That(Response(aggregator).GetProperty("status").GetString(), Is.EqualTo(status));
    }

    [TestCase("response.completed", "Completed", "completed")]
    [TestCase("response.incomplete", "Incomplete", "incomplete")]
    [TestCase("response.failed", "Failed", "failed")]
    public void Terminal_event_without_a_status_is_classed_by_its_name(string type, string expectedClass, string finishReason)
    {
        var aggregator = FeedEvents($"event: {type}\ndata: {{\"type\":\"{type}\",\"response\":{{\"output\":[]}}}}\n\n");

        Assert.That(aggregator.Terminal?.Class.ToString(), Is.EqualTo(expectedClass));
        Assert.That(aggregator.FinishReason, Is.EqualTo(finishReason));
    }

    [Test]
    public void Terminal_event_without_a_response_object_is_still_the_terminal_event()
    {
        var aggregator = FeedEvents("event: response.completed\ndata: {\"type\":\"response.completed\"}\n\n");

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.FinishReason, Is.EqualTo("completed"));
        Assert.That(aggregator.FinalUsage, Is.Null);
    }

    [Test]
    public void Failed_snapshot_without_a_message_gives_its_error_code_as_detail()
    {
        var aggregator = FeedEvents(ResponseEvent("response.failed", "failed", ",\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":null}"));

        Assert.That(aggregator.Terminal?.Detail, Is.EqualTo("rate_limit_exceeded"));
    }

    [Test]
    public void Completed_answer_ending_in_a_function_call_normalizes_to_tool_calls_and_one_ending_in_text_to_stop()
    {
        var call = """{"id":"fc_1","type":"function_call","status":"completed","call_id":"call_1","name":"f","arguments":"{}"}""";
        var message = """{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Calling f."}]}""";

        var endsWithCall = FeedEvents(ResponseEvent("response.completed", "completed", $",\"output\":[{message},{call}]"));
        var endsWithText = FeedEvents(ResponseEvent("response.completed", "completed", $",\"output\":[{call},{message}]"));

        Assert.That(endsWithCall.NormalizedFinishReason, Is.EqualTo("tool_calls"));
        Assert.That(endsWithText.NormalizedFinishReason, Is.EqualTo("stop"));
    }

    [Test]
    public void Error_event_in_its_documented_shape_is_a_failed_terminal_with_its_message()
    {
        var aggregator = FeedEvents(
            ResponseEvent("response.created", "in_progress"),
            Event("error", "\"code\":\"ERR_SOMETHING\",\"message\":\"Something went wrong\",\"param\":null"));

        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Failed, "error", T0, "Something went wrong")));
        Assert.That(Response(aggregator).GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("ERR_SOMETHING"));
        Assert.That(aggregator.Fault, Is.Null);
    }

    [Test]
    public void Error_event_without_an_event_line_is_known_by_its_type()
    {
        var aggregator = FeedEvents("data: {\"type\":\"error\",\"sequence_number\":3,\"error\":{\"type\":\"server_error\",\"code\":\"server_error\",\"message\":\"Boom\",\"param\":null}}\n\n");

        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Failed, "error", T0, "Boom")));
        Assert.That(aggregator.Fault, Is.Null);
    }

    [Test]
    public void Bare_error_object_is_a_provider_error_fault_not_a_terminal()
    {
        var aggregator = FeedEvents(MessageAdded(), "data: {\"error\":{\"message\":\"Upstream went away\",\"type\":\"server_error\"}}\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("provider_error"));
        Assert.That(aggregator.Fault?.Message, Is.EqualTo("Upstream went away"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void Only_the_first_terminal_event_counts()
    {
        var aggregator = FeedEvents(
            ResponseEvent("response.completed", "completed"),
            ResponseEvent("response.failed", "failed"),
            Event("error", "\"message\":\"late\""));

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.FinishReason, Is.EqualTo("completed"));
        Assert.That(aggregator.Fault, Is.Null);
    }
}
