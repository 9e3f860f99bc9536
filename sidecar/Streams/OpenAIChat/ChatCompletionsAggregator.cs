using Tap.Sidecar.Streams.Json;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>
/// Aggregates an OpenAI Chat Completions response: a <c>text/event-stream</c> of <c>chat.completion.chunk</c>
/// objects ending in <c>data: [DONE]</c>, or any other content type as one buffered <c>chat.completion</c> body.
/// The first fault wins; after it, and after the terminal event, nothing more is aggregated.
/// </summary>
internal sealed class ChatCompletionsAggregator : ResponseAggregator
{
    public const string FormatName = "openai-chat";

    private readonly ChatCompletion _completion;

    public ChatCompletionsAggregator(
        string? contentType,
        int maxBodyBytes = DefaultMaxBodyBytes,
        int maxTextChars = TextBudget.DefaultMaxChars)
        : base(FormatName, contentType, maxBodyBytes, maxTextChars) =>
        _completion = new ChatCompletion(Budget);

    public override TokenUsage? FinalUsage => _completion.Usage;

    /// <summary>Chat Completions has no provisional usage: the usage chunk is final or absent.</summary>
    public override TokenUsage? ProvisionalUsage => null;

    public override bool AnswerComplete => Fault is null && _completion.EveryChoiceFinished;

    public override TerminalClass FinishClass => _completion.FinishClass;

    public override string? ResponseModel => _completion.Model;

    public override string? ResponseId => _completion.Id;

    public override string? FinishReason => _completion.FinishReason;

    public override string? NormalizedFinishReason => _completion.NormalizedFinishReason;

    public override string GeneratedText() => _completion.GeneratedText();

    protected override string WriteResponse() => ChatResponseWriter.Write(_completion);

    protected override void OnEvent(SseEvent sseEvent)
    {
        if (sseEvent.IsDone)
        {
            Terminal = new TerminalEvent(FinishClass, "[DONE]", Now);
            return;
        }

        using var document = ParseObject(sseEvent.Utf8Data, ProviderJson.EventData);
        if (document is not null && ChatStreamJson.Apply(_completion, document.RootElement))
        {
            TokenSeen();
        }
    }

    protected override void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        using var document = ParseObject(body, ProviderJson.ResponseBody);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;
        if (!ChatBodyJson.IsCompletion(root))
        {
            Fail("malformed_json", "The response body is not a chat.completion object.", at);
            return;
        }

        AcceptBody(1, ChatBodyJson.Apply(_completion, root));
        Terminal = new TerminalEvent(FinishClass, "chat.completion", at);
    }
}
