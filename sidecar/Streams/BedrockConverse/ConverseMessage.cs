using System.Text;

namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>A Converse message as aggregated so far: its blocks by index, its stop reason and the metadata that follows it.</summary>
internal sealed class ConverseMessage(TextBudget budget)
{
    public TextBudget Budget { get; } = budget;

    public string? Role { get; set; }

    /// <summary>From messageStop, or a non-streamed body.</summary>
    public string? StopReason { get; set; }

    /// <summary>From metadata (after messageStop), or a non-streamed body: the only usage Converse sends, and final.</summary>
    public TokenUsage? Usage { get; set; }

    /// <summary>The usage object as sent, written back into the response.</summary>
    public string? RawUsage { get; set; }

    public long? LatencyMs { get; set; }

    public bool MessageStopped { get; set; }

    public SortedDictionary<int, ConverseBlock> Blocks { get; } = [];

    public bool EveryBlockStopped => Blocks.Values.All(b => b.Stopped);

    public ConverseBlock Block(int index)
    {
        if (!Blocks.TryGetValue(index, out var block))
        {
            block = new ConverseBlock();
            Blocks.Add(index, block);
        }

        return block;
    }

    /// <summary>Appends within the budget; true when <paramref name="text"/> was not empty.</summary>
    public bool Append(StringBuilder target, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        Budget.Append(target, text);
        return true;
    }

    /// <summary><paramref name="value"/> when it fits the budget, else null: a signature or raw JSON cut short is worse than none.</summary>
    public string? KeepWhole(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var kept = new StringBuilder();
        Budget.Append(kept, value);
        return kept.Length == value.Length ? value : null;
    }

    public string GeneratedText()
    {
        var text = new StringBuilder();
        foreach (var block in Blocks.Values)
        {
            text.Append(block.ReasoningText).Append(block.Text).Append(block.ToolName).Append(block.ToolInput);
        }

        return text.ToString();
    }
}
