using System.Text.Json;
using Tap.Protocol;
using Tap.Sidecar.Streams.Json;
using Tap.Sidecar.Streams.Sse;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>
/// Aggregates an OpenAI Responses API answer (<c>/v1/responses</c>): a <c>text/event-stream</c> of typed events, each with
/// a <c>sequence_number</c>, ending in <c>response.completed</c>, <c>response.incomplete</c>, <c>response.failed</c> or
/// <c>error</c>; or any other content type as one buffered <c>response</c> object. Only the terminal snapshot's usage is
/// final: the <c>created</c> and <c>in_progress</c> snapshots before it carry none (or a compatible server's running
/// count), so rule 4 of the outcome table has nothing to prove completion with before the terminal event itself.
/// The first fault wins; after it, and after the terminal event, nothing more is aggregated.
/// </summary>
internal sealed class ResponsesAggregator : ResponseAggregator
{
    public const string FormatName = ApiFormats.OpenAIResponses;

    private readonly ResponsesOutput _output;

    public ResponsesAggregator(
        string? contentType,
        int maxBodyBytes = DefaultMaxBodyBytes,
        int maxTextChars = TextBudget.DefaultMaxChars)
        : base(FormatName, contentType, maxBodyBytes, maxTextChars) =>
        _output = new ResponsesOutput(Budget);

    public override TokenUsage? FinalUsage => _output.Usage;

    public override TokenUsage? ProvisionalUsage => _output.ProvisionalUsage;

    /// <summary>Every output item seen has had its <c>response.output_item.done</c>, and no fault was seen.</summary>
    public override bool AnswerComplete => Fault is null && _output.EveryItemDone;

    public override TerminalClass FinishClass => _output.FinishClass;

    public override string? ResponseModel => _output.Model;

    public override string? ResponseId => _output.Id;

    public override string? FinishReason => _output.FinishReason;

    public override string? NormalizedFinishReason => _output.NormalizedFinishReason;

    public override string GeneratedText() => _output.GeneratedText();

    protected override string WriteResponse() => ResponsesResponseWriter.Write(_output);

    protected override void OnEvent(SseEvent sseEvent)
    {
        // The Responses API sends no [DONE]; compatible servers that copy Chat Completions do. It ends nothing here.
        if (sseEvent.IsDone)
        {
            return;
        }

        using var document = ParseObject(sseEvent.Utf8Data, ProviderJson.EventData, OwnsError);
        if (document is null)
        {
            return;
        }

        var data = document.RootElement;
        var type = String(data, "type") ?? sseEvent.EventType;
        var carried = false;
        if (type == ResponsesStreamJson.ErrorEvent)
        {
            ResponsesStreamJson.ApplyError(_output, data);
            Terminal = EndWith(TerminalClass.Failed, type, Now);
        }
        else if (ImpliedStatus(type) is { } impliedStatus)
        {
            carried = ResponsesBodyJson.Apply(_output, Object(data, "response"), impliedStatus, itemsDone: false);
            Terminal = EndWith(ClassOf(_output.FinalStatus, impliedStatus), type, Now);
        }
        else
        {
            carried = ResponsesStreamJson.Apply(_output, type, data);
        }

        if (carried)
        {
            TokenSeen();
        }
    }

    protected override void ParseBody(ReadOnlyMemory<byte> body, DateTimeOffset at)
    {
        using var document = ParseObject(body, ProviderJson.ResponseBody, OwnsError);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;
        if (!ResponsesBodyJson.IsResponse(root))
        {
            Fail("malformed_json", "The response body is not a response object.", at);
            return;
        }

        AcceptBody(1, ResponsesBodyJson.Apply(_output, root, impliedStatus: null, itemsDone: true));

        // A background request (background: true) is answered at once with status queued: the exchange completed,
        // and the finish reason says the answer itself is still to come.
        Terminal = EndWith(ClassOf(_output.FinalStatus, "completed"), "response", at);
    }

    /// <summary>
    /// ProviderJson reads any top-level <c>error</c> member as a provider error. Two Responses objects carry one of their
    /// own: the <c>error</c> event, whose code and message OpenAI sends nested under <c>error</c> although its reference
    /// puts them at the top level (openai/openai-dotnet#881), and a <c>failed</c> response object.
    /// </summary>
    private static bool OwnsError(JsonElement root) =>
        String(root, "type") == ResponsesStreamJson.ErrorEvent || String(root, "object") == "response";

    /// <summary>The status a terminal event stands for; null for every other event.</summary>
    /// <remarks>
    /// <c>response.cancelled</c> is not a documented stream event (it names the webhook for a cancelled background
    /// response); a server that sends it means what the <c>cancelled</c> status means.
    /// </remarks>
    private static string? ImpliedStatus(string type) => type switch
    {
        "response.completed" => "completed",
        "response.incomplete" => "incomplete",
        "response.failed" => "failed",
        "response.cancelled" => "cancelled",
        _ => null,
    };

    /// <summary>
    /// The snapshot's status decides, so a <c>response.completed</c> whose status is <c>incomplete</c> is incomplete; the
    /// event's own status when the snapshot has none that ends a response.
    /// </summary>
    private static TerminalClass ClassOf(string? status, string impliedStatus) =>
        Classify(status) ?? Classify(impliedStatus) ?? TerminalClass.Completed;

    private static TerminalClass? Classify(string? status) => status switch
    {
        "completed" => TerminalClass.Completed,
        "incomplete" => TerminalClass.Incomplete,
        "failed" => TerminalClass.Failed,
        "cancelled" => TerminalClass.Canceled,
        _ => null,
    };

    private TerminalEvent EndWith(TerminalClass terminalClass, string name, DateTimeOffset at) =>
        new(terminalClass, name, at, terminalClass == TerminalClass.Failed ? _output.ErrorMessage ?? _output.ErrorCode : null);
}
