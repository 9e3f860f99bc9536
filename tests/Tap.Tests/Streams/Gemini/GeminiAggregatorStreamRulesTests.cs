using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.Gemini;
using static Tap.Tests.Streams.Gemini.GeminiHarness;

namespace Tap.Tests.Streams.Gemini;

/// <summary>How a Gemini stream's chunks become a terminal event, usage and a first token.</summary>
public sealed class GeminiAggregatorStreamRulesTests
{
    [Test]
    public void Running_usageMetadata_is_never_final_before_the_terminal_chunk()
    {
        var bytes = FixtureFiles.Read("gemini/text.sse");
        var aggregator = new GeminiAggregator(EventStream);
        var terminalChunk = bytes.AsSpan().LastIndexOf("data: "u8);

        for (var i = 0; i < bytes.Length; i++)
        {
            aggregator.Append(bytes.AsSpan(i, 1), T0);
            if (i < terminalChunk)
            {
                Assert.That((aggregator.FinalUsage, aggregator.Terminal), Is.EqualTo(((TokenUsage?)null, (TerminalEvent?)null)), $"after byte {i}");
            }
        }

        Assert.That(aggregator.FinalUsage, Is.Not.Null);
    }

    [Test]
    public void A_stream_that_ends_without_a_finish_reason_has_only_provisional_usage()
    {
        var aggregator = FeedEvents(
            Chunk("""[{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}]""", """{"promptTokenCount": 5,"candidatesTokenCount": 1,"totalTokenCount": 6}"""),
            Chunk("""[{"content": {"parts": [{"text": "b"}],"role": "model"},"index": 0}]""", """{"promptTokenCount": 5,"candidatesTokenCount": 2,"totalTokenCount": 7}"""));

        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.ProvisionalUsage, Is.EqualTo(new TokenUsage { Input = 5, Output = 2, Total = 7 }));
        Assert.That(aggregator.AnswerComplete, Is.False);
    }

    [Test]
    public void Tool_use_prompt_tokens_are_input_so_input_plus_output_is_the_providers_total()
    {
        var aggregator = FeedEvents(Chunk(
            """[{"content": {"parts": [{"text": "It is sunny."}],"role": "model"},"finishReason": "STOP","index": 0}]""",
            """{"promptTokenCount": 10,"candidatesTokenCount": 4,"totalTokenCount": 59,"toolUsePromptTokenCount": 30,"thoughtsTokenCount": 15}"""));

        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 40, Output = 19, Total = 59, Reasoning = 15 }));
    }

    [Test]
    public void Usage_object_without_counts_is_no_usage()
    {
        var aggregator = FeedEvents(Chunk("""[{"content": {"parts": [{"text": "a"}],"role": "model"}}]""", """{"trafficType": "ON_DEMAND"}"""));

        Assert.That(aggregator.ProvisionalUsage, Is.Null);
    }

    [Test]
    public void A_chunk_with_only_usage_is_not_a_first_token_nor_is_empty_text()
    {
        var aggregator = FeedEvents(
            "data: {\"usageMetadata\": {\"promptTokenCount\": 5,\"totalTokenCount\": 5}}\r\n\r\n",
            Chunk("""[{"content": {"parts": [{"text": ""}],"role": "model"},"index": 0}]"""));

        Assert.That(aggregator.FirstTokenAt, Is.Null);
        Assert.That(aggregator.ProvisionalUsage, Is.EqualTo(new TokenUsage { Input = 5, Total = 5 }));
    }

    [Test]
    public void A_signature_on_an_empty_final_part_closes_the_text_it_follows()
    {
        var aggregator = FeedEvents(
            Chunk("""[{"content": {"role": "model","parts": [{"text": "Hello!"}]}}]"""),
            Chunk("""[{"content": {"role": "model","parts": [{"text": "","thoughtSignature": "AY89"}]},"finishReason": "STOP"}]"""));
        var part = Parts(aggregator).Single();

        Assert.That(part.GetProperty("text").GetString(), Is.EqualTo("Hello!"));
        Assert.That(part.GetProperty("thoughtSignature").GetString(), Is.EqualTo("AY89"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Stop));
    }

    [Test]
    public void Parts_Tap_does_not_model_are_kept_as_they_came()
    {
        var aggregator = FeedEvents(Chunk("""[{"content": {"parts": [{"executableCode": {"language": "PYTHON","code": "print(1)"}}],"role": "model"},"finishReason": "STOP","index": 0}]"""));

        Assert.That(Parts(aggregator).Single().GetRawText(), Is.EqualTo("""{"executableCode":{"language":"PYTHON","code":"print(1)"}}"""));
    }

    [TestCase("MALFORMED_FUNCTION_CALL")]
    [TestCase("UNEXPECTED_TOOL_CALL")]
    [TestCase("TOO_MANY_TOOL_CALLS")]
    [TestCase("MALFORMED_RESPONSE")]
    [TestCase("MISSING_THOUGHT_SIGNATURE")]
    public void A_turn_the_model_could_not_produce_is_a_failed_terminal_with_the_providers_message(string reason)
    {
        var aggregator = FeedEvents(Chunk($$"""[{"finishReason": "{{reason}}","finishMessage": "Malformed function call: print(x","index": 0}]""", """{"promptTokenCount": 4474,"totalTokenCount": 4474}"""));

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Failed));
        Assert.That(aggregator.Terminal?.Detail, Is.EqualTo($"{reason}: Malformed function call: print(x"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Error));
        Assert.That(aggregator.FinishClass, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 4474, Total = 4474 }));
    }

    [TestCase("STOP", "stop", "Completed")]
    [TestCase("MAX_TOKENS", "length", "Incomplete")]
    [TestCase("SAFETY", "content_filter", "Incomplete")]
    [TestCase("RECITATION", "content_filter", "Incomplete")]
    [TestCase("BLOCKLIST", "content_filter", "Incomplete")]
    [TestCase("PROHIBITED_CONTENT", "content_filter", "Incomplete")]
    [TestCase("SPII", "content_filter", "Incomplete")]
    [TestCase("IMAGE_SAFETY", "content_filter", "Incomplete")]
    [TestCase("IMAGE_PROHIBITED_CONTENT", "content_filter", "Incomplete")]
    [TestCase("IMAGE_RECITATION", "content_filter", "Incomplete")]
    [TestCase("MODEL_ARMOR", "content_filter", "Incomplete")]
    [TestCase("LANGUAGE", "other", "Completed")]
    [TestCase("OTHER", "other", "Completed")]
    [TestCase("FINISH_REASON_UNSPECIFIED", "other", "Completed")]
    [TestCase("IMAGE_OTHER", "other", "Completed")]
    [TestCase("NO_IMAGE", "other", "Completed")]
    [TestCase("SOMETHING_NEW", "other", "Completed")]
    public void Every_documented_finish_reason_maps_to_a_normalized_reason_and_a_class(string reason, string normalized, string expected)
    {
        var aggregator = FeedEvents(Chunk($$"""[{"content": {"parts": [{"text": "x"}],"role": "model"},"finishReason": "{{reason}}","index": 0}]"""));

        Assert.That((aggregator.NormalizedFinishReason, aggregator.Terminal?.Class), Is.EqualTo((normalized, Enum.Parse<TerminalClass>(expected))));
        Assert.That(aggregator.Terminal?.Detail, Is.Null);
    }

    [Test]
    public void Candidates_without_an_index_take_their_position_in_the_chunk()
    {
        var aggregator = FeedEvents(Chunk("""[{"content": {"parts": [{"text": "a"}]},"finishReason": "STOP"},{"content": {"parts": [{"text": "b"}]},"finishReason": "STOP"}]"""));

        Assert.That((Answer(aggregator, 0), Answer(aggregator, 1)), Is.EqualTo(("a", "b")));
    }

    [Test]
    public void Blocked_prompt_with_a_message_keeps_both_as_the_detail()
    {
        var aggregator = FeedEvents("data: {\"promptFeedback\": {\"blockReason\": \"PROHIBITED_CONTENT\",\"blockReasonMessage\": \"The prompt was blocked.\"}}\r\n\r\n");

        Assert.That(aggregator.Terminal?.Detail, Is.EqualTo("PROHIBITED_CONTENT: The prompt was blocked."));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Failed));
    }

    [Test]
    public void Prompt_feedback_without_a_block_reason_is_not_a_terminal()
    {
        var aggregator = FeedEvents("data: {\"promptFeedback\": {\"safetyRatings\": []}}\r\n\r\n");

        Assert.That(aggregator.Terminal, Is.Null);
    }
}
