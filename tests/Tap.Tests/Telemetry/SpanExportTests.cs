using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tap.Shim;
using Tap.Sidecar.Records;
using Tap.Sidecar.Telemetry;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Telemetry;

/// <summary>
/// A TapClient, a real pipe, the real sidecar host and LiteDB file, and a real OTLP receiver (Kestrel on 127.0.0.1)
/// decoding what the official exporter sends: one span per record, with the GenAI attributes (docs/telemetry.md).
/// </summary>
public class SpanExportTests
{
    private const string Gateway = "otlp-gateway";
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentSpanId = "00f067aa0ba902b7";

    [Test]
    public async Task Each_format_exports_one_span_with_the_GenAI_attributes_over_http_protobuf()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        await using var sidecar = await StartSidecarAsync(receiver);
        await using (var client = NewClient(sidecar))
        {
            Report(client, "r-chat", TapApiFormat.OpenAIChatCompletions, "gpt-4o", "openai-chat/text.sse");
            Report(client, "r-anthropic", TapApiFormat.AnthropicMessages, "claude-sonnet-4-5", "anthropic-messages/text.sse");
            Report(client, "r-gemini", TapApiFormat.Gemini, "gemini-2.5-flash", "gemini/text.sse");
            Report(client, "r-responses", TapApiFormat.OpenAIResponses, "gpt-4.1", "openai-responses/text.sse");
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 4, "the sidecar acknowledges the four executions");
        }

        var spans = await WaitForSpansAsync(receiver, 4);
        Assert.Multiple(() =>
        {
            AssertSpan(sidecar, spans, "r-chat", "chat gpt-4o", Completed("chat", "openai", "gpt-4o", "gpt-4o-2024-08-06",
                "chatcmpl-CXk1text00000000000000000001", "stop", "openai-chat", input: 24, output: 17, cacheRead: 0, cacheWrite: null, reasoning: 0));
            AssertSpan(sidecar, spans, "r-anthropic", "chat claude-sonnet-4-5", Completed("chat", "anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929",
                "msg_01XFDUDYJgAACzvnptvVoYEL", "end_turn", "anthropic-messages", input: 25, output: 18, cacheRead: 0, cacheWrite: 0, reasoning: null));
            AssertSpan(sidecar, spans, "r-gemini", "generate_content gemini-2.5-flash", Completed("generate_content", "gcp.gemini", "gemini-2.5-flash", "gemini-2.5-flash",
                "kV0laeGzNJbzz7IP-4uJ0AQ", "STOP", "gemini", input: 11, output: 15, cacheRead: null, cacheWrite: null, reasoning: null));
            AssertSpan(sidecar, spans, "r-responses", "chat gpt-4.1", Completed("chat", "openai", "gpt-4.1", "gpt-4.1-2025-04-14",
                "resp_68f1c0detext000000000000000000000000000000000001", "completed", "openai-responses", input: 24, output: 17, cacheRead: 0, cacheWrite: null, reasoning: 0));

            var span = spans.Single(s => Equals(s.Attributes["tap.request_id"], "r-chat"));
            Assert.That(span.Kind, Is.EqualTo(3), "SPAN_KIND_CLIENT");
            Assert.That(span.StatusCode, Is.Zero, "STATUS_CODE_UNSET");
            Assert.That(span.Resource["service.name"], Is.EqualTo("tap"));
            Assert.That(span.ScopeName, Is.EqualTo(ExecutionSpans.SourceName));
            Assert.That(span.ScopeSchemaUrl, Is.EqualTo(GenAiNames.SchemaUrl));
        });
    }

    [Test]
    public async Task Canceled_and_failed_executions_say_so_and_failures_carry_error_type()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        await using var sidecar = await StartSidecarAsync(receiver);
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        await using (var client = NewClient(sidecar))
        {
            Report(client, "r-canceled", TapApiFormat.OpenAIChatCompletions, "gpt-4o", transcript[..(transcript.Length / 3)], e => e.ClientAborted());
            Report(client, "r-failed", TapApiFormat.OpenAIChatCompletions, "gpt-4o", transcript[..(transcript.Length / 2)],
                e => e.UpstreamError(TapUpstreamErrorKind.ConnectionReset, "Connection reset by peer"));
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 2, "the sidecar acknowledges both executions");
        }

        var spans = await WaitForSpansAsync(receiver, 2);
        var canceled = spans.Single(s => Equals(s.Attributes["tap.request_id"], "r-canceled"));
        var failed = spans.Single(s => Equals(s.Attributes["tap.request_id"], "r-failed"));
        Assert.Multiple(() =>
        {
            Assert.That(canceled.Attributes["tap.status"], Is.EqualTo("canceled"));
            Assert.That(canceled.Attributes["tap.reason"], Is.EqualTo("client_aborted"));
            Assert.That(canceled.Attributes["tap.proof"], Is.EqualTo("none"));
            Assert.That(canceled.Attributes["gen_ai.response.finish_reasons"], Is.EqualTo(new object[] { "error" }));
            Assert.That(canceled.Attributes, Does.Not.ContainKey("error.type"));
            Assert.That(canceled.StatusCode, Is.Zero, "a client's cancel is not an error of the call");

            Assert.That(failed.Attributes["tap.status"], Is.EqualTo("failed"));
            Assert.That(failed.Attributes["tap.reason"], Is.EqualTo("upstream_error"));
            Assert.That(failed.Attributes["error.type"], Is.EqualTo("upstream_error"));
            Assert.That(failed.Attributes["gen_ai.response.finish_reasons"], Is.EqualTo(new object[] { "error" }));
            Assert.That(failed.StatusCode, Is.EqualTo(2), "STATUS_CODE_ERROR");
            Assert.That(failed.StatusMessage, Does.Contain("Connection reset by peer"));
        });
        Assert.Multiple(() =>
        {
            foreach (var span in new[] { canceled, failed })
            {
                var record = Record(sidecar, span);
                Assert.That(span.Attributes["tap.rule"], Is.EqualTo((long)record.Rule));
                Assert.That(span.Attributes["gen_ai.response.id"], Is.EqualTo("chatcmpl-CXk1text00000000000000000001"));
                Assert.That(span.StartNanos, Is.EqualTo(Nanos(record.StartedAt)));
                Assert.That(span.EndNanos, Is.EqualTo(EndNanos(record)));
            }
        });
    }

    [Test]
    public async Task Span_is_a_child_of_the_gateways_span_from_traceparent_over_grpc()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: true);
        await using var sidecar = await StartSidecarAsync(receiver);
        await using (var client = NewClient(sidecar))
        {
            Report(client, "r-traced", TapApiFormat.OpenAIChatCompletions, "gpt-4o", "openai-chat/text.sse",
                traceParent: $"00-{TraceId}-{ParentSpanId}-01", traceState: "congo=t61rcWkgMzE");
            Report(client, "r-untraced", TapApiFormat.OpenAIChatCompletions, "gpt-4o", "openai-chat/text.sse");
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 2, "the sidecar acknowledges both executions");
        }

        var spans = await WaitForSpansAsync(receiver, 2);
        var traced = spans.Single(s => Equals(s.Attributes["tap.request_id"], "r-traced"));
        var untraced = spans.Single(s => Equals(s.Attributes["tap.request_id"], "r-untraced"));
        Assert.Multiple(() =>
        {
            Assert.That(traced.TraceId, Is.EqualTo(TraceId));
            Assert.That(traced.ParentSpanId, Is.EqualTo(ParentSpanId));
            Assert.That(traced.TraceState, Is.EqualTo("congo=t61rcWkgMzE"));
            Assert.That(traced.SpanId, Is.Not.EqualTo(ParentSpanId).And.Length.EqualTo(16));
            Assert.That(traced.Attributes["tap.status"], Is.EqualTo("completed"));

            // No gateway span: a root span whose trace id is the execution id.
            Assert.That(untraced.ParentSpanId, Is.Empty);
            Assert.That(untraced.TraceId, Is.EqualTo(Guid.Parse((string)untraced.Attributes["tap.execution_id"]!).ToString("N")));
        });
    }

    [Test]
    public async Task Receiver_down_for_a_while_then_back_gets_every_span_exactly_once_also_across_a_sidecar_restart()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        using var folder = new TempFolder();
        var database = folder.File("tap.db");

        // Pages of 2 and one record per commit: the export keeps 8 records in memory, so the outage's 30 are read back
        // from the database, then the export goes on from memory.
        var small = new Dictionary<string, string?> { ["Tap:Telemetry:Spans:MaxBatchSize"] = "2", ["Tap:Store:MaxBatchSize"] = "1" };
        var sidecar = await StartSidecarAsync(receiver, database, small);
        try
        {
            await using (var client = NewClient(sidecar))
            {
                Report(client, "before", TapApiFormat.OpenAIChatCompletions, "gpt-4o", "openai-chat/text.sse");
                await WaitForSpansAsync(receiver, 1);

                await receiver.StopAsync();
                for (var i = 0; i < 30; i++)
                {
                    Report(client, $"while-down-{i}", TapApiFormat.OpenAIChatCompletions, "gpt-4o", "openai-chat/text.sse");
                }

                await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 31, "the record path goes on while the collector is down");
                await Eventually.TrueAsync(() => Exporter(sidecar).FailedAttempts >= 2, "the exporter meets the closed port");
                Assert.That(receiver.Spans, Has.Count.EqualTo(1));

                await receiver.RestartAsync();
                await WaitForSpansAsync(receiver, 31, TimeSpan.FromSeconds(60));
            }

            // The cursor is in the database: a restarted sidecar sends only what is new.
            await sidecar.DisposeAsync();
            sidecar = await StartSidecarAsync(receiver, database, small);
            await using (var client = NewClient(sidecar))
            {
                Report(client, "after-restart", TapApiFormat.OpenAIChatCompletions, "gpt-4o", "openai-chat/text.sse");
                await Eventually.TrueAsync(() => receiver.Spans.Any(s => Equals(s.Attributes["tap.request_id"], "after-restart")), "the new execution is exported");
            }

            var ids = receiver.Spans.Select(s => (string)s.Attributes["tap.execution_id"]!).ToList();
            Assert.That(ids, Has.Count.EqualTo(32).And.Unique, "every execution once");
            Assert.That(Exporter(sidecar).Skipped, Is.Zero);
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    private static async Task<SidecarProcess> StartSidecarAsync(OtlpReceiver receiver, string? database = null, Dictionary<string, string?>? more = null) =>
        await SidecarProcess.StartAsync(databasePath: database, settings: new Dictionary<string, string?>(more ?? [])
        {
            ["Tap:Telemetry:Otlp:Endpoint"] = receiver.Endpoint,
            ["Tap:Telemetry:Otlp:Protocol"] = receiver.Protocol,
            ["Tap:Telemetry:Spans:Interval"] = "00:00:00.050",
            ["Tap:Telemetry:Spans:MaxRetryDelay"] = "00:00:01",
        });

    private static TapClient NewClient(SidecarProcess sidecar) => new(new TapClientOptions { Endpoint = sidecar.PipeName, GatewayName = Gateway });

    private static SpanExportService Exporter(SidecarProcess sidecar) =>
        sidecar.Services.GetServices<IHostedService>().OfType<SpanExportService>().Single();

    private static async Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(OtlpReceiver receiver, int count, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() => receiver.Spans.Count >= count, () => $"{count} spans reach the receiver (has {receiver.Spans.Count})", timeout ?? TimeSpan.FromSeconds(30));
        return receiver.Spans;
    }

    private static void Report(TapClient client, string requestId, TapApiFormat format, string model, string fixture, string? traceParent = null, string? traceState = null) =>
        Report(client, requestId, format, model, FixtureFiles.Read(fixture), e => e.UpstreamEnd(), traceParent, traceState);

    private static void Report(TapClient client, string requestId, TapApiFormat format, string model, byte[] body, Action<TapExecution> then, string? traceParent = null, string? traceState = null)
    {
        using var execution = client.StartExecution(new TapExecutionInfo
        {
            RequestId = requestId,
            Format = format,
            Route = "llm",
            Provider = "provider-host",
            RequestedModel = model,
            Stream = true,
            TraceParent = traceParent,
            TraceState = traceState,
        });
        execution.Response(200, "text/event-stream");
        for (var offset = 0; offset < body.Length; offset += 97)
        {
            execution.Chunk(body.AsSpan(offset, Math.Min(97, body.Length - offset)));
        }

        then(execution);
    }

    private static Dictionary<string, object?> Completed(
        string operation, string provider, string requestModel, string responseModel, string responseId, string finishReason, string format,
        long input, long output, long? cacheRead, long? cacheWrite, long? reasoning)
    {
        var expected = new Dictionary<string, object?>
        {
            ["gen_ai.operation.name"] = operation,
            ["gen_ai.provider.name"] = provider,
            ["gen_ai.request.model"] = requestModel,
            ["gen_ai.response.model"] = responseModel,
            ["gen_ai.response.id"] = responseId,
            ["gen_ai.response.finish_reasons"] = new object[] { finishReason },
            ["gen_ai.request.stream"] = true,
            ["gen_ai.usage.input_tokens"] = input,
            ["gen_ai.usage.output_tokens"] = output,
            ["tap.status"] = "completed",
            ["tap.reason"] = "terminal_event",
            ["tap.rule"] = 2L,
            ["tap.proof"] = "terminal_event",
            ["tap.format"] = format,
            ["tap.finish_reason"] = "stop",
            ["tap.usage.source"] = "final",
            ["tap.upstream.status_code"] = 200L,
            ["tap.gateway"] = Gateway,
            ["tap.route"] = "llm",
            ["tap.provider"] = "provider-host",
            ["tap.attempt"] = 1L,
        };
        Optional(expected, "gen_ai.usage.cache_read.input_tokens", cacheRead);
        Optional(expected, "gen_ai.usage.cache_write.input_tokens", cacheWrite);
        Optional(expected, "gen_ai.usage.reasoning.output_tokens", reasoning);
        return expected;
    }

    private static void Optional(Dictionary<string, object?> expected, string key, long? value)
    {
        if (value is { } known)
        {
            expected[key] = known;
        }
    }

    /// <summary>The span of <paramref name="requestId"/> has exactly <paramref name="expected"/>, plus what only the record knows (ids, times, cost).</summary>
    private static void AssertSpan(SidecarProcess sidecar, IReadOnlyList<ReceivedSpan> spans, string requestId, string name, Dictionary<string, object?> expected)
    {
        var span = spans.Single(s => Equals(s.Attributes.GetValueOrDefault("tap.request_id"), requestId));
        var record = Record(sidecar, span);
        expected["tap.request_id"] = requestId;
        expected["tap.execution_id"] = record.Id.ToString();
        expected["tap.commit"] = record.Commit;
        expected["gen_ai.response.time_to_first_chunk"] = record.TimeToFirstByteMs!.Value / 1000;
        expected["tap.time_to_first_token"] = record.TimeToFirstTokenMs!.Value / 1000;
        if (record.Cost is { } cost)
        {
            expected["tap.cost"] = (double)cost.Total;
            expected["tap.cost.currency"] = "USD";
        }

        Assert.That(span.Name, Is.EqualTo(name));
        Assert.That(span.Attributes, Is.EquivalentTo(expected), requestId);
        Assert.That(span.StartNanos, Is.EqualTo(Nanos(record.StartedAt)), "the execution's own start");
        Assert.That(span.EndNanos, Is.EqualTo(EndNanos(record)), "the execution's own end");
    }

    // Activity gives a span one tick at least: a transcript reported at once can start and end in the same microsecond.
    private static ulong EndNanos(ExecutionRecord record) => Math.Max(Nanos(record.EndedAt!.Value), Nanos(record.StartedAt) + 100);

    private static ExecutionRecord Record(SidecarProcess sidecar, ReceivedSpan span) =>
        sidecar.Records.Find((string)span.Attributes["tap.execution_id"]!)!;

    private static ulong Nanos(DateTime utc) => (ulong)(DateTime.SpecifyKind(utc, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100;
}
