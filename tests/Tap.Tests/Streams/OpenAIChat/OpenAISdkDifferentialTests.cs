using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Tap.Sidecar.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Streams.OpenAIChat;

/// <summary>
/// Differential check against code nobody here wrote: the official OpenAI .NET SDK reads the same bytes from a
/// local Kestrel server, and Tap's aggregation must reconstruct the same text, tool calls and usage.
/// </summary>
public class OpenAISdkDifferentialTests
{
    [TestCase("openai-chat/text.sse")]
    [TestCase("openai-chat/tool-calls.sse")]
    [TestCase("openai-chat/keepalive.sse")]
    [TestCase("openai-chat/length.sse")]
    [TestCase("openai-chat/refusal.sse")]
    [TestCase("openai-chat/no-usage.sse")]
    public async Task Streamed_transcript_aggregates_as_the_OpenAI_SDK_reads_it(string fixture)
    {
        var transcript = FixtureFiles.Read(fixture);
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Streamed(transcript));
        var sdk = new SdkView();

        await foreach (var update in Client(provider).CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            sdk.Apply(update);
        }

        var tap = TapView(transcript, "text/event-stream");
        Assert.Multiple(() =>
        {
            Assert.That(tap.Text, Is.EqualTo(sdk.Text.ToString()));
            Assert.That(tap.Refusal, Is.EqualTo(sdk.Refusal.ToString()));
            Assert.That(tap.ToolCalls, Is.EqualTo(sdk.ToolCalls.OrderBy(c => c.Key).Select(c => $"{c.Value.Id}|{c.Value.Name}|{c.Value.Arguments}")));
            Assert.That(tap.Usage, Is.EqualTo(sdk.Usage));
            Assert.That(tap.FinishReason, Is.EqualTo(sdk.FinishReason));
        });
    }

    [Test]
    public async Task Non_streamed_body_aggregates_as_the_OpenAI_SDK_reads_it()
    {
        var body = FixtureFiles.Read("openai-chat/body.json");
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Body(200, body));

        ChatCompletion completion = await Client(provider).CompleteChatAsync([new UserChatMessage("hi")]);

        var tap = TapView(body, "application/json");
        Assert.Multiple(() =>
        {
            Assert.That(tap.Text, Is.EqualTo(string.Concat(completion.Content.Select(p => p.Text))));
            Assert.That(tap.Usage, Is.EqualTo((completion.Usage.InputTokenCount, completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount)));
            Assert.That(tap.FinishReason, Is.EqualTo(Wire(completion.FinishReason)));
        });
    }

    private static ChatClient Client(FakeProvider provider) =>
        new("gpt-4o", new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = new Uri(provider.BaseAddress, "/v1") });

    private static (string Text, string Refusal, List<string> ToolCalls, (int, int, int)? Usage, string? FinishReason) TapView(byte[] bytes, string contentType)
    {
        var aggregator = AggregatorFactory.Create("openai-chat", contentType);
        aggregator.Append(bytes, DateTimeOffset.UtcNow);
        aggregator.CompleteUpstream(DateTimeOffset.UtcNow);
        using var response = JsonDocument.Parse(aggregator.BuildResponse(1 << 20, out _));
        var choice = response.RootElement.GetProperty("choices")[0];
        var toolCalls = choice.TryGetProperty("tool_calls", out var calls)
            ? calls.EnumerateArray().Select(c => $"{c.GetProperty("id").GetString()}|{c.GetProperty("function").GetProperty("name").GetString()}|{c.GetProperty("function").GetProperty("arguments").GetString()}").ToList()
            : [];
        var usage = aggregator.FinalUsage is { } u ? ((int)u.Input!, (int)u.Output!, (int)u.Total!) : ((int, int, int)?)null;
        return (Text(choice, "content"), Text(choice, "refusal"), toolCalls, usage, aggregator.FinishReason);
    }

    private static string Text(JsonElement choice, string field) =>
        choice.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Wire(ChatFinishReason reason) => reason switch
    {
        ChatFinishReason.Stop => "stop",
        ChatFinishReason.Length => "length",
        ChatFinishReason.ToolCalls => "tool_calls",
        ChatFinishReason.ContentFilter => "content_filter",
        _ => "function_call",
    };

    private sealed class SdkView
    {
        public StringBuilder Text { get; } = new();

        public StringBuilder Refusal { get; } = new();

        public SortedDictionary<int, (string? Id, string? Name, string Arguments)> ToolCalls { get; } = [];

        public (int, int, int)? Usage { get; private set; }

        public string? FinishReason { get; private set; }

        public void Apply(StreamingChatCompletionUpdate update)
        {
            foreach (var part in update.ContentUpdate)
            {
                Text.Append(part.Text);
            }

            Refusal.Append(update.RefusalUpdate);
            foreach (var call in update.ToolCallUpdates)
            {
                var known = ToolCalls.GetValueOrDefault(call.Index, (null, null, ""));
                ToolCalls[call.Index] = (known.Id ?? call.ToolCallId, known.Name ?? call.FunctionName, known.Arguments + call.FunctionArgumentsUpdate?.ToString());
            }

            if (update.Usage is { } usage)
            {
                Usage = (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount);
            }

            if (update.FinishReason is { } reason)
            {
                FinishReason = Wire(reason);
            }
        }
    }
}
