using System.Text;
using Tap.Sidecar.Outcome;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>An Anthropic message as aggregated so far, with what its stop reason implies.</summary>
internal sealed class AnthropicMessage(TextBudget budget)
{
    public string? Id { get; set; }

    public string? Model { get; set; }

    public string? Role { get; set; }

    /// <summary>From message_delta (it is always null in message_start), or from a non-streamed message.</summary>
    public string? StopReason { get; set; }

    public string? StopSequence { get; set; }

    /// <summary>message_start's counts: the input side is real, <c>output_tokens</c> is not final.</summary>
    public AnthropicUsage? StartUsage { get; set; }

    /// <summary>The latest counts that are not final (message_start, or a message_delta before any stop reason).</summary>
    public AnthropicUsage? ProvisionalUsage { get; set; }

    /// <summary>The final counts: message_start's merged with a message_delta's once a stop reason arrived.</summary>
    public AnthropicUsage? FinalUsage { get; set; }

    public TextBudget Budget { get; } = budget;

    public SortedDictionary<int, AnthropicContentBlock> Blocks { get; } = [];

    public bool EveryBlockStopped => Blocks.Values.All(b => b.Stopped);

    public TerminalClass FinishClass => AnthropicStopReasons.Class(StopReason);

    public string? NormalizedFinishReason => AnthropicStopReasons.Normalize(StopReason);

    public AnthropicContentBlock Block(int index)
    {
        if (!Blocks.TryGetValue(index, out var block))
        {
            block = new AnthropicContentBlock(index);
            Blocks.Add(index, block);
        }

        return block;
    }

    public string GeneratedText()
    {
        var text = new StringBuilder();
        foreach (var block in Blocks.Values)
        {
            text.Append(block.Thinking).Append(block.Text);
            if (block.IsToolUse)
            {
                text.Append(block.Name).Append(block.InputJson);
            }
        }

        return text.ToString();
    }
}
