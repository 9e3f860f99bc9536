using System.Text;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>One choice as aggregated from its deltas (or read from a non-streamed message).</summary>
internal sealed class ChatChoice(int index)
{
    /// <summary>
    /// Message fields whose deltas are concatenated, in the order they are written back. <c>reasoning_content</c>
    /// is not OpenAI's: DeepSeek and other compatible providers stream their reasoning in it.
    /// </summary>
    public static readonly string[] TextFields = ["content", "reasoning_content", "refusal"];

    private readonly Dictionary<string, StringBuilder> _texts = new(StringComparer.Ordinal);

    public int Index { get; } = index;

    public string? Role { get; set; }

    public string? FinishReason { get; set; }

    public SortedDictionary<int, ChatToolCall> ToolCalls { get; } = [];

    /// <summary>The text of one of <see cref="TextFields"/>; null when the provider never sent that field as a string.</summary>
    public StringBuilder? Text(string field) => _texts.GetValueOrDefault(field);

    public void AppendText(string field, string value, TextBudget budget)
    {
        if (!_texts.TryGetValue(field, out var text))
        {
            text = new StringBuilder();
            _texts.Add(field, text);
        }

        budget.Append(text, value);
    }

    public ChatToolCall ToolCall(int index)
    {
        if (!ToolCalls.TryGetValue(index, out var call))
        {
            call = new ChatToolCall(index);
            ToolCalls.Add(index, call);
        }

        return call;
    }
}
