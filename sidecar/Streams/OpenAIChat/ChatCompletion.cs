using System.Text;
using Tap.Sidecar.Outcome;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>A chat completion as aggregated so far, with what its finish reasons imply.</summary>
internal sealed class ChatCompletion(TextBudget budget)
{
    public string? Id { get; set; }

    public string? Model { get; set; }

    public string? SystemFingerprint { get; set; }

    public TokenUsage? Usage { get; set; }

    public TextBudget Budget { get; } = budget;

    public SortedDictionary<int, ChatChoice> Choices { get; } = [];

    public bool EveryChoiceFinished => Choices.Count > 0 && Choices.Values.All(c => c.FinishReason is not null);

    /// <summary><c>length</c> and <c>content_filter</c> mean the provider cut the answer short.</summary>
    public TerminalClass FinishClass =>
        Choices.Values.Any(c => c.FinishReason is "length" or "content_filter")
            ? TerminalClass.Incomplete
            : TerminalClass.Completed;

    /// <summary>The distinct finish reasons in choice order, comma-separated.</summary>
    public string? FinishReason
    {
        get
        {
            var reasons = Choices.Values.Select(c => c.FinishReason).OfType<string>().Distinct().ToList();
            return reasons.Count == 0 ? null : string.Join(',', reasons);
        }
    }

    /// <summary>The most telling normalized reason: one that cut the answer short wins over the first choice's.</summary>
    public string? NormalizedFinishReason
    {
        get
        {
            var normalized = Choices.Values.Select(c => Normalize(c.FinishReason)).OfType<string>().ToList();
            return normalized.FirstOrDefault(r => r is FinishReasons.Length or FinishReasons.ContentFilter) ?? normalized.FirstOrDefault();
        }
    }

    public string GeneratedText()
    {
        var text = new StringBuilder();
        foreach (var choice in Choices.Values)
        {
            foreach (var field in ChatChoice.TextFields)
            {
                text.Append(choice.Text(field));
            }

            foreach (var call in choice.ToolCalls.Values)
            {
                text.Append(call.Name).Append(call.Arguments);
            }
        }

        return text.ToString();
    }

    public ChatChoice Choice(int index)
    {
        if (!Choices.TryGetValue(index, out var choice))
        {
            choice = new ChatChoice(index);
            Choices.Add(index, choice);
        }

        return choice;
    }

    private static string? Normalize(string? reason) => reason switch
    {
        null => null,
        "stop" => FinishReasons.Stop,
        "length" => FinishReasons.Length,
        "tool_calls" or "function_call" => FinishReasons.ToolCalls,
        "content_filter" => FinishReasons.ContentFilter,
        _ => FinishReasons.Other,
    };
}
