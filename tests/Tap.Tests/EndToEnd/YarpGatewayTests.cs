using Tap.Sidecar.Records;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>
/// The whole chain on real servers: a Kestrel provider serving the fixtures with controlled pacing, the sample
/// YARP gateway with the shim attached, the real sidecar and LiteDB file, and HttpClient callers that really
/// disconnect.
/// </summary>
public class YarpGatewayTests
{
    private const string ChatRequest = """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

    [TestCase("openai-chat", "/v1/chat/completions", ChatRequest)]
    [TestCase("openai-responses", "/v1/responses", """{"model":"gpt-4.1","stream":true,"input":"hi"}""")]
    [TestCase("anthropic-messages", "/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"hi"}]}""")]
    [TestCase("gemini", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""")]
    public async Task Each_format_streams_through_the_gateway_unchanged_and_is_recorded_completed_with_usage_and_ttft(string format, string path, string json)
    {
        var transcript = FixtureFiles.Read(format + "/text.sse");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(transcript, TimeSpan.FromMilliseconds(5)));

        var (response, body) = await StreamingClient.ReadAllAsync(chain.Client, StreamingClient.Post(path, json, "req-" + format));

        var record = await chain.Sidecar.WaitForRecordAsync("req-" + format);
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo(transcript), "the client receives exactly the provider's bytes");
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            Assert.That((record.Status, record.Proof, record.Format, record.FormatInferred), Is.EqualTo(("completed", "terminal_event", format, true)));
            Assert.That(record.Usage?.Source, Is.EqualTo("final"));
            Assert.That(record.Usage?.Output, Is.GreaterThan(0));
            Assert.That(record.TimeToFirstTokenMs, Is.GreaterThan(0));
            Assert.That(record.Route, Is.EqualTo("llm"));
            Assert.That(record.Client.Gateway, Is.EqualTo("sample-gateway"));
        });
    }

    [Test]
    public async Task Callers_traceparent_puts_the_record_in_the_callers_trace()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(transcript));
        using var request = StreamingClient.Post("/v1/chat/completions", ChatRequest, "req-traced");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        await StreamingClient.ReadAllAsync(chain.Client, request);

        // The gateway's span (ASP.NET Core's, parented on the caller's) or the forwarded header: the caller's trace either way.
        var record = await chain.Sidecar.WaitForRecordAsync("req-traced");
        Assert.That(record.TraceParent, Does.StartWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
    }

    [Test]
    public async Task Client_disconnect_after_usage_chunk_records_completed()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(transcript, TimeSpan.FromMilliseconds(5)).HoldBefore("data: [DONE]", TimeSpan.FromSeconds(2)));

        var received = await StreamingClient.ReadUntilThenDisconnectAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "usage-then-leave"), "\"usage\":{\"prompt_tokens\"");

        var record = await chain.Sidecar.WaitForRecordAsync("usage-then-leave");
        Assert.That(received, Does.Not.Contain("[DONE]"));
        AssertOutcome(record, "completed", "final_usage_seen", "aggregated_usage");
        Assert.That(record.Signals.Select(s => s.Kind), Does.Contain("client_aborted"));
        Assert.That(record.Usage?.Output, Is.EqualTo(17));
    }

    [Test]
    public async Task Client_disconnect_mid_stream_with_slow_pacing_records_canceled()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(transcript, TimeSpan.FromMilliseconds(150)));

        await StreamingClient.ReadUntilThenDisconnectAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "leave-early"), "Voil");

        var record = await chain.Sidecar.WaitForRecordAsync("leave-early");
        AssertOutcome(record, "canceled", "client_aborted", "none");
        Assert.That(record.Usage?.Source, Is.EqualTo("estimated"));
    }

    [Test]
    public async Task Responses_client_leaving_at_output_text_done_while_completed_is_held_back_records_canceled()
    {
        var transcript = FixtureFiles.Read("openai-responses/text.sse");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(transcript).HoldBefore("event: response.completed", TimeSpan.FromMilliseconds(200)));

        await StreamingClient.ReadUntilThenDisconnectAsync(chain.Client, StreamingClient.Post("/v1/responses", """{"model":"gpt-4.1","stream":true,"input":"hi"}""", "held-back"), "event: response.output_text.done");

        var record = await chain.Sidecar.WaitForRecordAsync("held-back");
        AssertOutcome(record, "canceled", "client_aborted", "none");
    }

    [Test]
    public async Task Responses_client_leaving_at_output_text_done_when_completed_came_in_the_same_write_records_completed()
    {
        var transcript = FixtureFiles.Read("openai-responses/text.sse");
        var sameWrite = ProviderResponse.Streamed(transcript)
            .MergeWithNext("event: response.output_text.done")
            .MergeWithNext("event: response.output_text.done")
            .MergeWithNext("event: response.output_text.done");
        await using var chain = await GatewayChain.StartAsync(sameWrite);

        await StreamingClient.ReadUntilThenDisconnectAsync(chain.Client, StreamingClient.Post("/v1/responses", """{"model":"gpt-4.1","stream":true,"input":"hi"}""", "same-write"), "event: response.output_text.done");

        var record = await chain.Sidecar.WaitForRecordAsync("same-write");
        AssertOutcome(record, "completed", "terminal_event", "terminal_event");
    }

    [Test]
    public async Task Anthropic_provider_resetting_after_message_delta_records_failed()
    {
        var transcript = FixtureFiles.Read("anthropic-messages/text.sse");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(transcript).StopBefore("event: message_stop", ProviderEnding.Reset));

        var request = StreamingClient.Post("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[]}""", "reset");
        Assert.That(async () => await StreamingClient.ReadAllAsync(chain.Client, request), Throws.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>(), "the client sees the broken stream too");

        var record = await chain.Sidecar.WaitForRecordAsync("reset");
        AssertOutcome(record, "failed", "upstream_error", "none");
        Assert.That(record.Explanation, Does.Contain("connection_reset"));
        Assert.That(record.Signals.Select(s => s.Kind), Does.Not.Contain("client_aborted"), "an upstream failure is not a client disconnect");
        Assert.That(record.Usage?.Source, Is.EqualTo("final"), "message_delta carried the final usage before the reset: billed, yet failed");
    }

    [Test]
    public async Task Provider_ending_without_a_terminal_event_records_failed_stream_interrupted()
    {
        var transcript = FixtureFiles.Read("openai-chat/no-usage.sse");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(transcript).StopBefore("data: [DONE]", ProviderEnding.Complete));

        await StreamingClient.ReadAllAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "no-terminal"));

        var record = await chain.Sidecar.WaitForRecordAsync("no-terminal");
        AssertOutcome(record, "failed", "stream_interrupted", "none");
    }

    [Test]
    public async Task Provider_answering_429_with_a_json_error_records_failed_with_the_providers_message()
    {
        var body = FixtureFiles.Read("openai-chat/error-429.json");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Body(429, body));

        var (response, received) = await StreamingClient.ReadAllAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "rate-limited"));

        var record = await chain.Sidecar.WaitForRecordAsync("rate-limited");
        Assert.That((int)response.StatusCode, Is.EqualTo(429));
        Assert.That(received, Is.EqualTo(body));
        AssertOutcome(record, "failed", "upstream_http_error", "none");
        Assert.That(record.ErrorMessage, Does.StartWith("Rate limit reached"));
    }

    [TestCase("openai-chat", "/v1/chat/completions")]
    [TestCase("openai-responses", "/v1/responses")]
    [TestCase("anthropic-messages", "/v1/messages")]
    [TestCase("gemini", "/v1beta/models/gemini-2.5-flash:generateContent")]
    public async Task Non_streamed_body_records_completed_with_usage(string format, string path)
    {
        var body = FixtureFiles.Read(format + "/body.json");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Body(200, body));

        var (_, received) = await StreamingClient.ReadAllAsync(chain.Client, StreamingClient.Post(path, """{"model":"m"}""", "body-" + format));

        var record = await chain.Sidecar.WaitForRecordAsync("body-" + format);
        Assert.That(received, Is.EqualTo(body));
        AssertOutcome(record, "completed", "terminal_event", "terminal_event");
        Assert.That((record.Stream, record.Usage?.Source), Is.EqualTo((false, "final")));
    }

    [Test]
    public async Task A_json_body_over_aspnet_cores_30_KB_buffer_reaches_the_provider_exactly_as_sent_and_the_record_names_its_model()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(transcript));
        chain.Provider.CaptureBodies = true;
        var json = RequestBodies.LongConversation("gpt-4.1");

        var (_, body) = await StreamingClient.ReadAllAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", json, "long-body"));

        var record = await chain.Sidecar.WaitForRecordAsync("long-body");
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo(transcript));
            Assert.That(chain.Provider.Bodies.Single(), Is.EqualTo(System.Text.Encoding.UTF8.GetBytes(json)), "the provider received every byte the client sent");
            Assert.That((record.Status, record.RequestedModel), Is.EqualTo(("completed", "gpt-4.1")));
        });
    }

    [Test]
    public async Task Attaching_the_shim_changes_neither_the_bytes_nor_the_headers_the_client_receives()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Streamed(transcript));
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var tapped = await GatewayProcess.StartAsync(provider.BaseAddress, sidecar.PipeName);
        await using var plain = await GatewayProcess.StartAsync(provider.BaseAddress, sidecar.PipeName, "--tap", "false");
        using var tappedClient = tapped.CreateClient();
        using var plainClient = plain.CreateClient();

        var (withTap, withTapBody) = await StreamingClient.ReadAllAsync(tappedClient, StreamingClient.Post("/v1/chat/completions", ChatRequest));
        var (withoutTap, withoutTapBody) = await StreamingClient.ReadAllAsync(plainClient, StreamingClient.Post("/v1/chat/completions", ChatRequest));

        Assert.Multiple(() =>
        {
            Assert.That(withTapBody, Is.EqualTo(withoutTapBody));
            Assert.That(withTap.StatusCode, Is.EqualTo(withoutTap.StatusCode));
            Assert.That(Headers(withTap), Is.EqualTo(Headers(withoutTap)));
        });
    }

    [Test]
    public async Task Without_a_sidecar_the_gateway_serves_every_request_and_reconnects_when_the_sidecar_starts()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Streamed(transcript));
        var pipe = TestEndpoints.UniquePipeName();
        await using var gateway = await GatewayProcess.StartAsync(provider.BaseAddress, pipe);
        using var client = gateway.CreateClient();

        var results = new List<(System.Net.HttpStatusCode, byte[])>();
        for (var batch = 0; batch < 20; batch++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            {
                var (response, body) = await StreamingClient.ReadAllAsync(client, StreamingClient.Post("/v1/chat/completions", ChatRequest, $"away-{batch}-{i}"));
                return (response.StatusCode, body);
            }));
            results.AddRange(responses);
        }

        Assert.That(results, Has.Count.EqualTo(200));
        Assert.That(results.All(r => r.Item1 == System.Net.HttpStatusCode.OK && r.Item2.AsSpan().SequenceEqual(transcript)), Is.True, "every request was served in full");
        Assert.That(gateway.Tap.IsConnected, Is.False);

        await using var sidecar = await SidecarProcess.StartAsync(pipe);
        await Eventually.TrueAsync(() => gateway.Tap.IsConnected, "the gateway's shim reconnects by itself");
        await StreamingClient.ReadAllAsync(client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "after-start"));
        var record = await sidecar.WaitForRecordAsync("after-start");
        Assert.That(record.Status, Is.EqualTo("completed"));
        Assert.That(gateway.Tap.Counters.ExecutionsStarted, Is.EqualTo(201));
    }

    [Test]
    public async Task Api_keys_and_authorization_headers_are_never_stored()
    {
        const string secret = "sk-live-5ecr3t-do-not-store";
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(FixtureFiles.Read("openai-chat/text.sse")));
        var request = StreamingClient.Post("/v1/chat/completions", ChatRequest, "with-secrets");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        request.Headers.Add("x-api-key", secret);
        request.Headers.Add("api-key", secret);

        await StreamingClient.ReadAllAsync(chain.Client, request);
        await chain.Sidecar.WaitForRecordAsync("with-secrets");
        await chain.Sidecar.StopAsync();

        var stored = await File.ReadAllBytesAsync(chain.Sidecar.DatabasePath);
        Assert.That(stored.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)), Is.EqualTo(-1), "the database file holds no trace of the key");
    }

    private static void AssertOutcome(ExecutionRecord record, string status, string reason, string proof) =>
        Assert.That((record.Status, record.Reason, record.Proof), Is.EqualTo((status, reason, proof)), record.Explanation);

    private static List<string> Headers(HttpResponseMessage response) =>
        [.. response.Headers.Concat(response.Content.Headers).Where(h => h.Key is not "Date").Select(h => $"{h.Key}: {string.Join(",", h.Value)}").Order()];
}
