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
        : base(contentType, maxBodyBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTextChars);
        _completion = new ChatCompletion(maxTextChars);
    }

    public override string Format => FormatName;

    public override TokenUsage? FinalUsage => _completion.Usage;

    /// <summary>Chat Completions has no provisional usage: the usage chunk is final or absent.</summary>
    public override TokenUsage? ProvisionalUsage => null;

    public override bool AnswerComplete => Fault is null && _completion.EveryChoiceFinished;

    public override TerminalClass FinishClass => _completion.FinishClass;

    public override string? ResponseModel => _completion.Model;

    public override string? FinishReason => _completion.FinishReason;

    public override string? NormalizedFinishReason => _completion.NormalizedFinishReason;

    public override string GeneratedText() => _completion.GeneratedText();

    protected override string WriteResponse(out bool budgetExceeded)
    {
        budgetExceeded = _completion.Budget.Exceeded;
        return ChatResponseWriter.Write(_completion);
    }

    protected override void OnEvent(SseEvent sseEvent)
    {
        if (sseEvent.IsDone)
        {
            Terminal = new TerminalEvent(FinishClass, "[DONE]", Now);
            return;
        }

        using var document = ProviderJson.TryParseObject(sseEvent.Utf8Data, "An event's data", Now, out var fault);
        if (document is null)
        {
            Fault ??= fault;
        }
        else if (Apply(() => ChatJson.ApplyChunk(_completion, document.RootElement), Now))
        {
            FirstTokenAt ??= Now;
        }
    }

    /// <summary>
    /// Valid JSON can still hold what a reader refuses: a member of the wrong kind (<c>"choices":[1]</c>) or a lone
    /// surrogate escape. Either makes the stream malformed; neither may escape as an exception.
    /// </summary>
    private bool Apply(Func<bool> apply, DateTimeOffset at)
    {
        try
        {
            return apply();
        }
        catch (InvalidOperationException exception)
        {
            Fail("malformed_json", "A chunk has a value of the wrong kind or invalid text: " + exception.Message, at);
            return false;
        }
    }

    protected override void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        using var document = ProviderJson.TryParseObject(body, "The response body", at, out var fault);
        if (document is null)
        {
            Fault ??= fault;
            return;
        }

        var root = document.RootElement;
        if (!ChatJson.HasChoices(root))
        {
            Fail("malformed_json", "The response body is not a chat.completion object.", at);
            return;
        }

        BodyEvents = 1;
        if (Apply(() => ChatJson.ApplyCompletion(_completion, root), at))
        {
            // A non-streamed answer is whole before its first byte leaves the provider.
            FirstTokenAt = FirstBodyByteAt;
        }

        Terminal = new TerminalEvent(FinishClass, "chat.completion", at);
    }
}
