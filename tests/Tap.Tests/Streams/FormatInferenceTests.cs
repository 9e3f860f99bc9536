using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams;

namespace Tap.Tests.Streams;

public class FormatInferenceTests
{
    [TestCase("/v1/chat/completions", "openai-chat")]
    [TestCase("/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21", "openai-chat")]
    [TestCase("/v1/responses", "openai-responses")]
    [TestCase("/v1/messages", "anthropic-messages")]
    [TestCase("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "gemini")]
    [TestCase("/v1beta/models/gemini-2.5-flash:generateContent", "gemini")]
    [TestCase("/model/anthropic.claude-sonnet-4-5-20250929-v1:0/converse-stream", "bedrock-converse")]
    [TestCase("/model/us.amazon.nova-pro-v1:0/converse", "bedrock-converse")]
    [TestCase("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.anthropic.claude/invoke-with-response-stream", "bedrock-invoke-anthropic")]
    [TestCase("/model/anthropic.claude-3-haiku-20240307-v1:0/invoke", "bedrock-invoke-anthropic")]
    [TestCase("/v1/conversations", "unknown")]
    [TestCase("/v1/embeddings", "unknown")]
    [TestCase(null, "unknown")]
    public void Request_path_names_the_format(string? path, string format) =>
        Assert.That(FormatInference.FromPath(path), Is.EqualTo(format));

    [TestCase("/model/anthropic.claude-sonnet-4-5-20250929-v1:0/converse-stream", "anthropic.claude-sonnet-4-5-20250929-v1:0")]
    [TestCase("/model/us.amazon.nova-pro-v1%3A0/converse?x=1", "us.amazon.nova-pro-v1:0")]
    [TestCase("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.anthropic.claude/invoke-with-response-stream", "arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude")]
    [TestCase("/model/anthropic.claude-3-haiku-20240307-v1:0/embeddings", null)]
    [TestCase("/v1/messages", null)]
    [TestCase(null, null)]
    public void A_Bedrock_path_names_the_model_its_body_does_not(string? path, string? model) =>
        Assert.That(BedrockPath.ModelId(path), Is.EqualTo(model));

    [TestCase("event: message_start\ndata: {\"type\":\"message_start\"}\n\n", "anthropic-messages")]
    [TestCase("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\"}", "anthropic-messages")]
    [TestCase("event: response.created\ndata: {\"type\":\"response.created\"}\n\n", "openai-responses")]
    [TestCase("{\"id\":\"resp_1\",\"object\":\"response\"}", "openai-responses")]
    [TestCase("data: {\"candidates\": [{\"content\": {}}]}\r\n\r\n", "gemini")]
    [TestCase("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\"}\n\n", "openai-chat")]
    [TestCase("{\"output\":{\"message\":{}},\"stopReason\":\"end_turn\"}", "bedrock-converse")]
    [TestCase("something else entirely", "openai-chat")]
    public void First_response_bytes_name_the_format(string head, string format) =>
        Assert.That(FormatInference.FromBody(System.Text.Encoding.UTF8.GetBytes(head)), Is.EqualTo(format));

    [Test]
    public void Undeclared_format_is_recognized_from_a_stream_arriving_byte_by_byte_and_nothing_is_lost()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        var at = DateTimeOffset.UtcNow;
        var state = new ExecutionState(new ExecutionStart(Guid.NewGuid(), at, FormatInference.Unknown, Stream: true, FormatDeclared: false));
        state.OnResponse(200, "text/event-stream", at);
        foreach (var b in transcript)
        {
            state.OnChunk([b], at);
        }

        state.OnUpstreamEnd(at);
        state.OnEnd(0, at);

        Assert.Multiple(() =>
        {
            Assert.That(state.Format, Is.EqualTo("openai-chat"));
            Assert.That(state.Notes, Has.Some.Contains("inferred as openai-chat from the first bytes"));
            Assert.That(OutcomeEngine.Decide(state, Finalization.Ended).Status, Is.EqualTo("completed"));
            Assert.That(state.Aggregator!.FinalUsage?.Output, Is.EqualTo(17));
        });
    }

    [Test]
    public void An_AWS_event_stream_names_its_format_by_its_first_event()
    {
        Assert.That(FormatInference.FromBody(Bedrock.BedrockTranscripts.ConverseText()), Is.EqualTo("bedrock-converse"));
        Assert.That(FormatInference.FromBody(Bedrock.BedrockTranscripts.InvokeAnthropic()), Is.EqualTo("bedrock-invoke-anthropic"));
    }

    [Test]
    public void Undeclared_Bedrock_stream_is_recognized_from_its_first_message_and_decided()
    {
        var transcript = Bedrock.BedrockTranscripts.ConverseText();
        var at = DateTimeOffset.UtcNow;
        var state = new ExecutionState(new ExecutionStart(Guid.NewGuid(), at, FormatInference.Unknown, Stream: true, FormatDeclared: false));
        state.OnResponse(200, "application/vnd.amazon.eventstream", at);
        state.OnChunk(transcript, at);

        Assert.That((state.Format, state.Aggregator?.Terminal?.Name), Is.EqualTo(("bedrock-converse", "metadata")));
    }
}
