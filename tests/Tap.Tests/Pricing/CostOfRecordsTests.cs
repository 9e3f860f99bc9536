using System.Text;
using Tap.Sidecar.Pricing;
using Tap.Sidecar.Records;
using Tap.Sidecar.Replay;
using Tap.Tests.Streams;
using Tap.Tests.Streams.Bedrock;

namespace Tap.Tests.Pricing;

/// <summary>
/// Records of all four formats, made by the sidecar's own parsing and outcome code from real transcripts, carry the cost
/// computed by hand from the shipped table (sidecar/Pricing/prices.json, USD per million tokens). Exact decimals.
/// </summary>
public sealed class CostOfRecordsTests
{
    private static ExecutionRecord Replay(string fixture, string format, long? clientAbortAt = null) =>
        TranscriptReplayer.Replay(FixtureFiles.Read(fixture), new ReplayOptions { Format = format, ClientAbortAt = clientAbortAt });

    private static byte[] InvokeAnthropicWithCacheWrites(long metricsWrites) => BedrockTranscripts.Concat(
        BedrockTranscripts.Chunk("""{"type":"message_start","message":{"id":"msg_bdrk_cache","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"usage":{"input_tokens":2,"cache_creation_input_tokens":1248,"cache_read_input_tokens":19115,"cache_creation":{"ephemeral_5m_input_tokens":248,"ephemeral_1h_input_tokens":1000},"output_tokens":1}}}"""),
        BedrockTranscripts.Chunk("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        BedrockTranscripts.Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Done."}}"""),
        BedrockTranscripts.Chunk("""{"type":"content_block_stop","index":0}"""),
        BedrockTranscripts.Chunk("""{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":8}}"""),
        BedrockTranscripts.Chunk($$$"""{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":2,"outputTokenCount":8,"invocationLatency":811,"firstByteLatency":302,"cacheReadInputTokenCount":19115,"cacheWriteInputTokenCount":{{{metricsWrites}}}}}"""));

    private static ExecutionRecord ReplayText(string transcript, string format) =>
        TranscriptReplayer.Replay(Encoding.UTF8.GetBytes(transcript), new ReplayOptions { Format = format });

    [Test]
    public void Anthropic_cache_reads_and_writes_are_priced_apart_from_the_input_they_are_not_part_of()
    {
        // claude-sonnet-4-5: input 3, cache read 0.30, 5-minute write 3.75, output 15. Usage: input_tokens 12,
        // cache_read 1800, cache_creation 248, output 35 (Tap's input 2060 holds all three).
        var cost = Replay("anthropic-messages/body.json", "anthropic-messages").Cost!;

        Assert.That(cost.Entry, Is.EqualTo("claude-sonnet-4-5"), "the dated id finds the entry");
        Assert.That(cost.Input, Is.EqualTo(12 * 3m / 1_000_000));
        Assert.That(cost.CachedInput, Is.EqualTo(0.00054m));
        Assert.That(cost.CacheWrite, Is.EqualTo(0.00093m));
        Assert.That(cost.Output, Is.EqualTo(0.000525m));
        Assert.That(cost.Reasoning, Is.Null, "Anthropic reports no thinking count here: it is inside the output");
        Assert.That(cost.Total, Is.EqualTo(0.002031m));
        Assert.That((cost.Currency, cost.Source, cost.TableVersion, cost.TierAboveInputTokens), Is.EqualTo(("USD", "final", "2026-12-02", (long?)null)));
    }

    [Test]
    public void Anthropic_one_hour_cache_writes_are_priced_at_the_one_hour_rate_and_five_minute_writes_at_theirs()
    {
        // claude-sonnet-4-5: input 3, cache read 0.30, 5-minute write 3.75, 1-hour write 6, output 15. message_start's
        // cache_creation splits the 1,248 writes into 248 (5m) and 1,000 (1h); message_delta repeats the totals only.
        // 2 x 3 + 19,115 x 0.30 + (248 x 3.75 + 1,000 x 6) + 8 x 15 = 6 + 5,734.5 + 6,930 + 120 = 12,790.5 per million.
        var record = Replay("anthropic-messages/cache-1h.sse", "anthropic-messages");

        Assert.That((record.Usage!.CacheWrite, record.Usage.CacheWrite1h), Is.EqualTo(((long?)1248, (long?)1000)));
        var cost = record.Cost!;
        Assert.That((cost.Input, cost.CachedInput, cost.CacheWrite, cost.Output), Is.EqualTo(((decimal?)0.000006m, (decimal?)0.0057345m, (decimal?)0.00693m, (decimal?)0.00012m)));
        Assert.That(cost.Total, Is.EqualTo(0.0127905m), "$0.0128, where pricing every write as a 5-minute one gives $0.0105");
    }

    [Test]
    public void An_Anthropic_message_whose_writes_are_all_one_hour_prices_them_at_twice_the_input()
    {
        // claude-haiku-4-5: input 1, cache read 0.10, 1-hour write 2, output 5 (the usage object of a real response).
        // 2 x 1 + 19,115 x 0.10 + 207 x 2 + 8 x 5 = 2 + 1,911.5 + 414 + 40 = 2,367.5 per million.
        var cost = Replay("anthropic-messages/body-cache-1h.json", "anthropic-messages").Cost!;

        Assert.That((cost.Entry, cost.CacheWrite, cost.Total), Is.EqualTo(("claude-haiku-4-5", (decimal?)0.000414m, 0.0023675m)));
    }

    [Test]
    public void Bedrock_invoke_anthropic_keeps_the_one_hour_split_when_its_metrics_count_the_same_writes()
    {
        // Bedrock's invocation metrics win, but carry no split: Anthropic's split of the same 1,248 writes is kept.
        var cost = TranscriptReplayer.Replay(InvokeAnthropicWithCacheWrites(metricsWrites: 1248), new ReplayOptions { Format = "bedrock-invoke-anthropic" }).Cost!;

        Assert.That((cost.CacheWrite, cost.Total), Is.EqualTo(((decimal?)0.00693m, 0.0127905m)));
    }

    [Test]
    public void Bedrock_invoke_anthropic_prices_writes_as_five_minute_ones_when_its_metrics_count_other_writes()
    {
        // The metrics say 1,300 writes, Anthropic's split covers 1,248: no split is trusted, 1,300 x 3.75 = 4,875.
        var record = TranscriptReplayer.Replay(InvokeAnthropicWithCacheWrites(metricsWrites: 1300), new ReplayOptions { Format = "bedrock-invoke-anthropic" });

        Assert.That((record.Usage!.CacheWrite, record.Usage.CacheWrite1h, record.Cost!.CacheWrite), Is.EqualTo(((long?)1300, (long?)null, (decimal?)0.004875m)));
    }

    [Test]
    public void OpenAI_reasoning_tokens_are_part_of_the_output_count_and_billed_at_the_output_price()
    {
        // o4-mini: input 1.10, output 4.40. input_tokens 15, output_tokens 148 of which reasoning 128.
        var cost = Replay("openai-responses/reasoning.sse", "openai-responses").Cost!;

        Assert.That((cost.Entry, cost.Input, cost.Output, cost.Reasoning), Is.EqualTo(("o4-mini", (decimal?)0.0000165m, (decimal?)0.000088m, (decimal?)0.0005632m)));
        Assert.That(cost.Total, Is.EqualTo(0.0006677m));
    }

    [Test]
    public void OpenAI_chat_cached_tokens_are_part_of_the_prompt_count()
    {
        // gpt-4o: input 2.50, cached 1.25, output 10. prompt_tokens 82 of which cached 64, completion 52.
        var cost = Replay("openai-chat/tool-calls.sse", "openai-chat").Cost!;

        Assert.That((cost.Entry, cost.Input, cost.CachedInput, cost.CacheWrite, cost.Output), Is.EqualTo(("gpt-4o", 0.000045m, 0.00008m, (decimal?)null, 0.00052m)));
        Assert.That(cost.Total, Is.EqualTo(0.000645m));
    }

    [Test]
    public void OpenAI_responses_cached_tokens_are_part_of_the_input_count()
    {
        // gpt-4.1: input 2, cached 0.50, output 8. input_tokens 82 of which cached 64, output 38.
        var cost = Replay("openai-responses/tool-calls.sse", "openai-responses").Cost!;

        Assert.That((cost.Entry, cost.Input, cost.CachedInput, cost.Output, cost.Total), Is.EqualTo(("gpt-4.1", 0.000036m, 0.000032m, 0.000304m, 0.000372m)));
    }

    [Test]
    public void Gemini_thoughts_are_billed_as_output()
    {
        // gemini-2.5-pro: input 1.25, output 10. prompt 15, candidates 5, thoughts 416 (Tap's output 421).
        var cost = Replay("gemini/reasoning.sse", "gemini").Cost!;

        Assert.That((cost.Input, cost.Output, cost.Reasoning), Is.EqualTo((0.00001875m, 0.00005m, 0.00416m)));
        Assert.That(cost.Total, Is.EqualTo(0.00422875m));
    }

    [Test]
    public void Anthropic_thinking_tokens_are_billed_as_output()
    {
        // output_tokens 96 of which thinking 71, all at the output price 15; input 44 at 3.
        var cost = Replay("anthropic-messages/reasoning.sse", "anthropic-messages").Cost!;

        Assert.That((cost.Output, cost.Reasoning, cost.Total), Is.EqualTo((25 * 15m / 1_000_000, 71 * 15m / 1_000_000, 0.001572m)));
    }

    [Test]
    public void An_Anthropic_prompt_over_200K_tokens_is_billed_entirely_at_the_long_context_prices()
    {
        // 150,000 uncached + 60,000 read from the cache = 210,000 prompt tokens > 200,000: input 6 and output 22.50; the
        // page gives no long-context cache price, so the read stays at 0.30.
        var record = ReplayText(
            """{"id":"msg_long","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Done."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":150000,"cache_creation_input_tokens":0,"cache_read_input_tokens":60000,"output_tokens":1000}}""",
            "anthropic-messages");

        var cost = record.Cost!;
        Assert.That(cost.TierAboveInputTokens, Is.EqualTo(200_000));
        Assert.That((cost.Input, cost.CachedInput, cost.CacheWrite, cost.Output), Is.EqualTo(((decimal?)0.9m, (decimal?)0.018m, (decimal?)0m, (decimal?)0.0225m)));
        Assert.That(cost.Total, Is.EqualTo(0.9405m));
    }

    [Test]
    public void A_Gemini_prompt_over_200K_tokens_is_billed_at_the_long_context_prices_thoughts_included()
    {
        // gemini-2.5-pro above 200K: input 2.50, cached 0.25, output 15. Prompt 250,000 of which cached 50,000;
        // candidates 2,000, thoughts 1,000.
        var record = ReplayText(
            """{"candidates":[{"content":{"parts":[{"text":"Done."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":250000,"candidatesTokenCount":2000,"thoughtsTokenCount":1000,"cachedContentTokenCount":50000,"totalTokenCount":253000},"modelVersion":"gemini-2.5-pro"}""",
            "gemini");

        var cost = record.Cost!;
        Assert.That((cost.TierAboveInputTokens, cost.Input, cost.CachedInput, cost.Output, cost.Reasoning), Is.EqualTo(((long?)200_000, (decimal?)0.5m, (decimal?)0.0125m, (decimal?)0.03m, (decimal?)0.015m)));
        Assert.That(cost.Total, Is.EqualTo(0.5575m));
    }

    [Test]
    public void A_model_without_a_price_has_no_cost_and_a_note_never_zero()
    {
        var record = Replay("openai-chat/reasoning.sse", "openai-chat");

        Assert.That(record.Usage, Is.Not.Null);
        Assert.That(record.Cost, Is.Null);
        Assert.That(record.Notes, Has.One.StartsWith("No price for model 'deepseek-reasoner' in the price table 2026-12-02"));
    }

    [Test]
    public void An_estimated_usage_gives_an_estimated_cost_of_what_is_known()
    {
        // Broken stream: provisional input 31 (message_start), output 4 estimated from the text.
        var cost = Replay("anthropic-messages/error-mid-stream.sse", "anthropic-messages").Cost!;

        Assert.That(cost.Source, Is.EqualTo("estimated"));
        Assert.That((cost.Input, cost.Output, cost.Total), Is.EqualTo((0.000093m, 0.00006m, 0.000153m)));
    }

    [Test]
    public void An_estimate_without_an_input_count_prices_the_output_only()
    {
        // gpt-4o, no usage chunk: 3 output tokens estimated, input unknown.
        var cost = Replay("openai-chat/error-mid-stream.sse", "openai-chat").Cost!;

        Assert.That((cost.Source, cost.Input, cost.Output, cost.Total), Is.EqualTo(("estimated", (decimal?)null, (decimal?)0.00003m, 0.00003m)));
    }

    [Test]
    public void A_provisional_usage_gives_a_provisional_cost()
    {
        // gemini-2.5-flash (input 0.30, output 2.50): the running count of 7 in, 3 out before the stream broke.
        var cost = Replay("gemini/error-mid-stream.sse", "gemini").Cost!;

        Assert.That((cost.Source, cost.Total), Is.EqualTo(("provisional", 0.0000096m)));
    }

    [Test]
    public void A_drained_final_usage_gives_a_drained_cost()
    {
        var record = Replay("openai-chat/text.sse", "openai-chat");
        record.Usage!.Drained = true;

        RecordCost.Apply(record, PriceTableLoader.Shipped);

        // gpt-4o: 24 in, 17 out.
        Assert.That((record.Cost!.Source, record.Cost.Total), Is.EqualTo(("drained", 0.00023m)));
    }

    [Test]
    public void A_refused_request_without_usage_has_no_cost_and_no_note()
    {
        var record = TranscriptReplayer.Replay(FixtureFiles.Read("openai-chat/error-429.json"), new ReplayOptions { Format = "openai-chat", Status = 429 });

        Assert.That((record.Usage, record.Cost), Is.EqualTo(((UsageEntry?)null, (CostEntry?)null)));
        Assert.That(record.Notes, Has.None.StartsWith(RecordCost.NotePrefix));
    }
}
