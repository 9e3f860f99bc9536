using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>Drain on client abort: the record carries the usage the provider billed after the client left; the status stays what the client got.</summary>
public class DrainTests
{
    private const string ChatRequest = """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]}""";
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");

    [Test]
    public async Task Client_leaving_mid_stream_with_drain_records_canceled_with_the_providers_final_usage()
    {
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(Transcript, TimeSpan.FromMilliseconds(40)), "--Tap:Drain:Enabled", "true");

        await StreamingClient.ReadUntilThenDisconnectAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "drained"), "Voil");

        var record = await chain.Sidecar.WaitForRecordAsync("drained");
        Assert.Multiple(() =>
        {
            Assert.That((record.Status, record.Reason), Is.EqualTo(("canceled", "client_aborted")), record.Explanation);
            Assert.That((record.Usage?.Source, record.Usage?.Output, record.Usage?.Drained), Is.EqualTo(("final", 17L, true)));
            // gpt-4o (input 2.50, output 10): 24 x 2.50 + 17 x 10 = 230 per million, priced as the drained usage it is.
            Assert.That((record.Cost?.Source, record.Cost?.Total), Is.EqualTo(("drained", (decimal?)0.00023m)));
            Assert.That(record.Signals.Select(s => s.Kind), Does.Contain("drain_started"));
            Assert.That(record.Explanation, Does.Contain("drain"));
        });
    }

    [Test]
    public async Task Without_drain_the_same_abort_records_only_an_estimate()
    {
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(Transcript, TimeSpan.FromMilliseconds(40)));

        await StreamingClient.ReadUntilThenDisconnectAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "not-drained"), "Voil");

        var record = await chain.Sidecar.WaitForRecordAsync("not-drained");
        Assert.That((record.Status, record.Usage?.Source, record.Usage?.Drained), Is.EqualTo(("canceled", "estimated", false)));
    }

    [Test]
    public async Task With_the_drain_cap_at_one_the_second_concurrent_abort_stops_at_once()
    {
        await using var chain = await GatewayChain.StartAsync(
            ProviderResponse.Streamed(Transcript, TimeSpan.FromMilliseconds(100)), "--Tap:Drain:Enabled", "true", "--Tap:Drain:MaxConcurrent", "1");

        await Task.WhenAll(
            StreamingClient.ReadUntilThenDisconnectAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "first"), "Voil"),
            StreamingClient.ReadUntilThenDisconnectAsync(chain.Client, StreamingClient.Post("/v1/chat/completions", ChatRequest, "second"), "Voil"));

        var records = new[] { await chain.Sidecar.WaitForRecordAsync("first"), await chain.Sidecar.WaitForRecordAsync("second") };
        var drained = records.Where(r => r.Signals.Any(s => s.Kind == "drain_started")).ToList();
        var skipped = records.Where(r => r.Signals.Any(s => s.Kind == "drain_skipped")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(drained, Has.Count.EqualTo(1));
            Assert.That(skipped, Has.Count.EqualTo(1));
            Assert.That(drained[0].Usage?.Source, Is.EqualTo("final"));
            Assert.That(skipped[0].Usage?.Source, Is.EqualTo("estimated"));
            Assert.That(records.Select(r => r.Status), Is.All.EqualTo("canceled"));
        });
    }
}
