using Tap.Sidecar.Outcome;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>A chat completion as aggregated so far, with what its finish reasons imply.</summary>
internal sealed class ChatCompletion(int maxTextChars)
{
    public string? Id { get; set; }

    public string? Model { get; set; }

    public string? SystemFingerprint { get; set; }

    public TokenUsage? Usage { get; set; }

    public TextBudget Budget { get; } = new(maxTextChars);

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

    public ChatChoice Choice(int index)
    {
        if (!Choices.TryGetValue(index, out var choice))
        {
            choice = new ChatChoice(index);
            Choices.Add(index, choice);
        }

        return choice;
    }
}
