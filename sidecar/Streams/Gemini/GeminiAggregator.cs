using Tap.Sidecar.Streams.Json;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// Aggregates a Gemini <c>streamGenerateContent?alt=sse</c> response: a <c>text/event-stream</c> of
/// GenerateContentResponse chunks with no end marker, whose terminal event is the chunk on which every candidate has
/// a <c>finishReason</c> (or a blocked prompt's <c>promptFeedback.blockReason</c>). Any other content type is one
/// buffered body: a <c>generateContent</c> response, or the JSON array <c>streamGenerateContent</c> sends without
/// <c>alt=sse</c>. The first fault wins; after it, and after the terminal event, nothing more is aggregated.
/// </summary>
internal sealed class GeminiAggregator : ResponseAggregator
{
    public const string FormatName = "gemini";
    public const string FinishReasonEvent = "finishReason";
    public const string BlockReasonEvent = "promptFeedback.blockReason";
    public const string BodyEvent = "GenerateContentResponse";

    private readonly GeminiResponse _response;

    public GeminiAggregator(
        string? contentType,
        int maxBodyBytes = DefaultMaxBodyBytes,
        int maxTextChars = TextBudget.DefaultMaxChars)
        : base(FormatName, contentType, maxBodyBytes, maxTextChars) =>
        _response = new GeminiResponse(Budget);

    public override TokenUsage? FinalUsage => _response.Usage?.ToTokenUsage();

    public override TokenUsage? ProvisionalUsage => _response.ProvisionalUsage?.ToTokenUsage();

    public override bool AnswerComplete => Fault is null && _response.EveryCandidateFinished;

    public override TerminalClass FinishClass => _response.FinishClass;

    public override string? ResponseModel => _response.ModelVersion;

    public override string? ResponseId => _response.ResponseId;

    public override string? FinishReason => _response.FinishReason;

    public override string? NormalizedFinishReason => _response.NormalizedFinishReason;

    public override string GeneratedText() => _response.GeneratedText();

    protected override string WriteResponse() => GeminiResponseWriter.Write(_response);

    protected override void OnEvent(SseEvent sseEvent)
    {
        using var document = ParseObject(sseEvent.Utf8Data, ProviderJson.EventData);
        if (document is null)
        {
            return;
        }

        if (GeminiStreamJson.Apply(_response, document.RootElement))
        {
            TokenSeen();
        }

        // alt=sse has no end marker: the stream simply ends after the chunk that finishes the last candidate.
        if (_response.Finished)
        {
            Terminal = new TerminalEvent(_response.TerminalClass, TerminalName(FinishReasonEvent), Now, _response.FailureDetail);
        }
    }

    protected override void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        using var document = ProviderJson.TryParseObjectOrArray(body, ProviderJson.ResponseBody, at, out var fault);
        if (document is null)
        {
            Fail(fault);
            return;
        }

        var root = document.RootElement;
        if (!GeminiBodyJson.IsResponse(root))
        {
            Fail("malformed_json", "The response body is not a GenerateContentResponse.", at);
            return;
        }

        var carriedToken = GeminiBodyJson.Apply(_response, root, out var events);
        AcceptBody(events, carriedToken);
        Terminal = new TerminalEvent(_response.TerminalClass, TerminalName(BodyEvent), at, _response.FailureDetail);
    }

    private string TerminalName(string name) => _response.PromptBlocked ? BlockReasonEvent : name;
}
