using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Anthropic.Models.Messages;
using OpenAI;
using OpenAI.Chat;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>The official OpenAI and Anthropic SDKs as the gateway's clients, streaming and canceling through their own tokens.</summary>
public class SdkClientTests
{
    [Test]
    public async Task OpenAI_SDK_streaming_to_the_end_records_completed()
    {
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(FixtureFiles.Read("openai-chat/text.sse"), TimeSpan.FromMilliseconds(5)));
        var text = "";

        await foreach (var update in OpenAIChat(chain).CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
        }

        var record = (await chain.Sidecar.WaitForRecordsAsync(1)).Single();
        Assert.That(text, Does.StartWith("Bonjour"));
        Assert.That((record.Status, record.Proof, record.Usage?.Output), Is.EqualTo(("completed", "terminal_event", 17L)));
    }

    [Test]
    public async Task OpenAI_SDK_canceled_through_its_token_mid_stream_records_canceled()
    {
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(FixtureFiles.Read("openai-chat/text.sse"), TimeSpan.FromMilliseconds(150)));
        using var cancel = new CancellationTokenSource();
        var updates = 0;

        Assert.That(async () =>
        {
            await foreach (var update in OpenAIChat(chain).CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: cancel.Token))
            {
                if (++updates == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        }, Throws.InstanceOf<OperationCanceledException>());

        var record = (await chain.Sidecar.WaitForRecordsAsync(1)).Single();
        Assert.That((record.Status, record.Reason), Is.EqualTo(("canceled", "client_aborted")), record.Explanation);
    }

    [Test]
    public async Task Anthropic_SDK_streaming_to_the_end_records_completed()
    {
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(FixtureFiles.Read("anthropic-messages/text.sse"), TimeSpan.FromMilliseconds(5)));
        var events = 0;

        await foreach (var _ in AnthropicClient(chain).Messages.CreateStreaming(AnthropicParameters()))
        {
            events++;
        }

        var record = (await chain.Sidecar.WaitForRecordsAsync(1)).Single();
        Assert.That(events, Is.GreaterThan(3));
        Assert.That((record.Status, record.Format, record.Usage?.Source), Is.EqualTo(("completed", "anthropic-messages", "final")));
    }

    [Test]
    public async Task Anthropic_SDK_canceled_through_its_token_mid_stream_records_canceled()
    {
        await using var chain = await GatewayChain.StartAsync(ProviderResponse.Streamed(FixtureFiles.Read("anthropic-messages/text.sse"), TimeSpan.FromMilliseconds(150)));
        using var cancel = new CancellationTokenSource();
        var events = 0;

        Assert.That(async () =>
        {
            await foreach (var _ in AnthropicClient(chain).Messages.CreateStreaming(AnthropicParameters(), cancel.Token))
            {
                if (++events == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        }, Throws.InstanceOf<OperationCanceledException>());

        var record = (await chain.Sidecar.WaitForRecordsAsync(1)).Single();
        Assert.That((record.Status, record.Reason), Is.EqualTo(("canceled", "client_aborted")), record.Explanation);
        Assert.That(record.Usage?.Source, Is.EqualTo("estimated"), "message_start's input counts, output estimated");
    }

    private static ChatClient OpenAIChat(GatewayChain chain) => new("gpt-4o", new ApiKeyCredential("sk-test"), new OpenAIClientOptions
    {
        Endpoint = new Uri(chain.Gateway.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(chain.Client),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    private static AnthropicClient AnthropicClient(GatewayChain chain) => new()
    {
        ApiKey = "sk-ant-test",
        BaseUrl = chain.Gateway.BaseAddress.ToString().TrimEnd('/'),
        HttpClient = chain.Client,
        MaxRetries = 0,
    };

    private static MessageCreateParams AnthropicParameters() => new()
    {
        MaxTokens = 1024,
        Messages = [new UserMessageParam("hi")],
        Model = "claude-sonnet-4-5",
    };
}
