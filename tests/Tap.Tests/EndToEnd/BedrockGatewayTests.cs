using Tap.Sidecar.Streams.AwsEventStream;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>
/// Bedrock through the whole chain: a Kestrel provider writing an AWS event stream one message per flush, the sample
/// YARP gateway with the shim attached (nothing Bedrock-specific in it but the path), the real sidecar and LiteDB file.
/// </summary>
public class BedrockGatewayTests
{
    private const string ConversePath = "/model/anthropic.claude-sonnet-4-5-20250929-v1:0/converse-stream";
    private const string ConverseRequest = """{"messages":[{"role":"user","content":[{"text":"hi"}]}]}""";

    private static readonly byte[] Transcript = FixtureFiles.Read("bedrock-converse/text.eventstream");

    [Test]
    public async Task ConverseStream_passes_through_unchanged_and_is_recorded_completed_with_its_usage()
    {
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.EventStream(Transcript, TimeSpan.FromMilliseconds(5)));

        var (response, body) = await StreamingClient.ReadAllAsync(chain.Client, StreamingClient.Post(ConversePath, ConverseRequest, "bedrock-whole"));

        var record = await chain.Sidecar.WaitForRecordAsync("bedrock-whole");
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo(Transcript), "the client receives exactly the provider's bytes");
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/vnd.amazon.eventstream"));
            Assert.That((record.Status, record.Proof, record.Format, record.FormatInferred), Is.EqualTo(("completed", "terminal_event", "bedrock-converse", true)));
            Assert.That((record.Usage?.Source, record.Usage?.Input, record.Usage?.Output), Is.EqualTo(("final", 25L, 18L)));
            Assert.That(record.TimeToFirstTokenMs, Is.GreaterThan(0));
            Assert.That((record.RequestedModel, record.Model), Is.EqualTo(("anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0")), "from the path: a Bedrock body names no model");
        });
    }

    [Test]
    public async Task Client_leaving_after_messageStop_with_drain_records_canceled_with_the_usage_Bedrock_billed()
    {
        await using var chain = await GatewayChain.StartAsync(
            ProviderResponse.EventStream(Transcript, TimeSpan.FromMilliseconds(5)).HoldLast(TimeSpan.FromSeconds(1)), "--Tap:Drain:Enabled", "true");

        await ReadThenDisconnectAsync(chain.Client, "bedrock-drained", (int)EventStreamLayout.MessageEnds(Transcript)[^2]);

        var record = await chain.Sidecar.WaitForRecordAsync("bedrock-drained");
        Assert.Multiple(() =>
        {
            Assert.That((record.Status, record.Reason, record.FinishReason), Is.EqualTo(("canceled", "client_aborted", "end_turn")), record.Explanation);
            Assert.That((record.Usage?.Source, record.Usage?.Input, record.Usage?.Output, record.Usage?.Drained), Is.EqualTo(("final", 25L, 18L, true)));
            Assert.That(record.Signals.Select(s => s.Kind), Does.Contain("drain_started"));
        });
    }

    /// <summary>Reads at least <paramref name="bytes"/> bytes of the response, then disconnects.</summary>
    private static async Task ReadThenDisconnectAsync(HttpClient client, string requestId, int bytes)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await client.SendAsync(StreamingClient.Post(ConversePath, ConverseRequest, requestId), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
        var buffer = new byte[4096];
        for (var received = 0; received < bytes;)
        {
            var read = await stream.ReadAsync(buffer, cancel.Token);
            Assert.That(read, Is.GreaterThan(0), "the stream ended before the bytes the test waits for");
            received += read;
        }

        await cancel.CancelAsync();
        response.Dispose();
    }
}
