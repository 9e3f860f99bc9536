using System.Text;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>
/// One output item of a response, at its <c>output_index</c>: a <c>message</c> (text and refusal parts), a
/// <c>function_call</c> or <c>custom_tool_call</c> (name, call id, arguments or input), a <c>reasoning</c> item (summary
/// and reasoning text), or a built-in tool call kept by type, id and status only.
/// </summary>
internal sealed class ResponsesItem(int index)
{
    public const string Message = "message";
    public const string Reasoning = "reasoning";
    public const string FunctionCall = "function_call";
    public const string CustomToolCall = "custom_tool_call";

    public int Index { get; } = index;

    public string? Type { get; set; }

    public string? Id { get; set; }

    public string? Status { get; set; }

    public string? Role { get; set; }

    public string? Name { get; set; }

    public string? CallId { get; set; }

    /// <summary>Its <c>response.output_item.done</c> arrived (or it came whole, in a non-streamed body).</summary>
    public bool Done { get; set; }

    /// <summary>A function call's <c>arguments</c>, or a custom tool call's <c>input</c>.</summary>
    public StringBuilder Arguments { get; } = new();

    /// <summary>Content parts by <c>content_index</c>: a message's text and refusals, a reasoning item's reasoning text.</summary>
    public SortedDictionary<int, ResponsesPart> Content { get; } = [];

    /// <summary>A reasoning item's summary parts by <c>summary_index</c>.</summary>
    public SortedDictionary<int, StringBuilder> Summary { get; } = [];

    /// <summary>A call the client runs: an answer that ends with one stopped for tool calls.</summary>
    public bool IsToolCall => Type is FunctionCall or CustomToolCall;

    public ResponsesPart Part(int index)
    {
        if (!Content.TryGetValue(index, out var part))
        {
            part = new ResponsesPart();
            Content.Add(index, part);
        }

        return part;
    }

    public StringBuilder SummaryPart(int index)
    {
        if (!Summary.TryGetValue(index, out var text))
        {
            text = new StringBuilder();
            Summary.Add(index, text);
        }

        return text;
    }
}
