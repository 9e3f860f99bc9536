using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Tap.Sidecar.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Streams.AnthropicMessages;

/// <summary>
/// Differential check against the official Anthropic C# SDK: it reads the same bytes from a local Kestrel
/// server, and Tap must reconstruct the same text, tool inputs, usage and stop reason.
/// </summary>
public class AnthropicSdkDifferentialTests
{
    [TestCase("anthropic-messages/text.sse")]
    [TestCase("anthropic-messages/tool-calls.sse")]
    [TestCase("anthropic-messages/reasoning.sse")]
    [TestCase("anthropic-messages/keepalive.sse")]
    [TestCase("anthropic-messages/incomplete.sse")]
    [TestCase("anthropic-messages/refusal.sse")]
    public async Task Streamed_transcript_aggregates_as_the_Anthropic_SDK_reads_it(string fixture)
    {
        var transcript = FixtureFiles.Read(fixture);
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Streamed(transcript));
        var sdk = new SdkView();

        await foreach (var streamEvent in Client(provider).Messages.CreateStreaming(Parameters()))
        {
            sdk.Apply(streamEvent);
        }

        var tap = TapView(transcript, "text/event-stream");
        Assert.Multiple(() =>
        {
            Assert.That(tap.Text, Is.EqualTo(sdk.Blocks.Where(b => b.Value.IsText).Select(b => b.Value.Text.ToString())));
            Assert.That(tap.ToolInputs, Is.EqualTo(sdk.Blocks.Where(b => b.Value.IsTool).Select(b => Compact(b.Value.Text.ToString()))));
            Assert.That(tap.Output, Is.EqualTo(sdk.OutputTokens));
            Assert.That(tap.RawInput, Is.EqualTo(sdk.InputTokens));
            Assert.That(tap.StopReason, Is.EqualTo(sdk.StopReason));
        });
    }

    [Test]
    public async Task Non_streamed_body_aggregates_as_the_Anthropic_SDK_reads_it()
    {
        var body = FixtureFiles.Read("anthropic-messages/body.json");
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Body(200, body));

        var message = await Client(provider).Messages.Create(Parameters());

        var tap = TapView(body, "application/json");
        var sdkText = message.Content.Select(c => c.TryPickText(out var text) ? text.Text : null).OfType<string>();
        Assert.Multiple(() =>
        {
            Assert.That(tap.Text, Is.EqualTo(sdkText));
            Assert.That(tap.Output, Is.EqualTo(message.Usage.OutputTokens));
            Assert.That(tap.RawInput, Is.EqualTo(message.Usage.InputTokens));
            Assert.That(tap.StopReason, Is.EqualTo(message.StopReason?.Raw()));
        });
    }

    private static AnthropicClient Client(FakeProvider provider) => new() { ApiKey = "sk-ant-test", BaseUrl = provider.BaseAddress.ToString().TrimEnd('/') };

    private static MessageCreateParams Parameters() => new()
    {
        MaxTokens = 1024,
        Messages = [new UserMessageParam("hi")],
        Model = "claude-sonnet-4-5",
    };

    private static (List<string> Text, List<string> ToolInputs, long? Output, long? RawInput, string? StopReason) TapView(byte[] bytes, string contentType)
    {
        var aggregator = AggregatorFactory.Create("anthropic-messages", contentType);
        aggregator.Append(bytes, DateTimeOffset.UtcNow);
        aggregator.CompleteUpstream(DateTimeOffset.UtcNow);
        using var response = JsonDocument.Parse(aggregator.BuildResponse(1 << 20, out _));
        var content = response.RootElement.GetProperty("content").EnumerateArray().ToList();
        var text = content.Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()!).ToList();
        var tools = content.Where(b => b.GetProperty("type").GetString() == "tool_use").Select(b => Compact(b.GetProperty("input").GetRawText())).ToList();
        var usage = aggregator.FinalUsage!;

        // Tap's input counts every input token billed; the SDK's input_tokens excludes the cache reads and writes.
        var rawInput = usage.Input - (usage.CachedInput ?? 0) - (usage.CacheWrite ?? 0);
        return (text, tools, usage.Output, rawInput, aggregator.FinishReason);
    }

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private sealed class SdkView
    {
        public SortedDictionary<long, (bool IsText, bool IsTool, StringBuilder Text)> Blocks { get; } = [];

        public long? InputTokens { get; private set; }

        public long? OutputTokens { get; private set; }

        public string? StopReason { get; private set; }

        public void Apply(RawMessageStreamEvent streamEvent)
        {
            if (streamEvent.TryPickStart(out var start))
            {
                InputTokens = start.Message.Usage.InputTokens;
            }
            else if (streamEvent.TryPickContentBlockStart(out var blockStart))
            {
                var block = blockStart.ContentBlock;
                Blocks[blockStart.Index] = (block.TryPickText(out _), block.TryPickToolUse(out _), new StringBuilder());
            }
            else if (streamEvent.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickText(out var text))
                {
                    Blocks[delta.Index].Text.Append(text.Text);
                }
                else if (delta.Delta.TryPickInputJson(out var json))
                {
                    Blocks[delta.Index].Text.Append(json.PartialJson);
                }
            }
            else if (streamEvent.TryPickDelta(out var messageDelta))
            {
                OutputTokens = messageDelta.Usage.OutputTokens;
                InputTokens = messageDelta.Usage.InputTokens ?? InputTokens;
                StopReason = messageDelta.Delta.StopReason?.Raw();
            }
        }
    }
}
