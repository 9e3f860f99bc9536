using System.Text;
using Tap.Sidecar.Outcome;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>A response as aggregated so far: the latest snapshot's header, its output items and, once it ended, how.</summary>
internal sealed class ResponsesOutput(TextBudget budget)
{
    public string? Id { get; set; }

    public string? Model { get; set; }

    /// <summary>The latest snapshot's status: <c>queued</c> and <c>in_progress</c> until the terminal snapshot.</summary>
    public string? Status { get; set; }

    /// <summary>The status of the terminal snapshot (or of a non-streamed body); null before it.</summary>
    public string? FinalStatus { get; set; }

    /// <summary>The terminal snapshot's <c>incomplete_details.reason</c>: <c>max_output_tokens</c> or <c>content_filter</c>.</summary>
    public string? IncompleteReason { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>The terminal snapshot's usage.</summary>
    public TokenUsage? Usage { get; set; }

    /// <summary>The latest usage of a <c>queued</c>, <c>created</c> or <c>in_progress</c> snapshot.</summary>
    public TokenUsage? ProvisionalUsage { get; set; }

    public TextBudget Budget { get; } = budget;

    public SortedDictionary<int, ResponsesItem> Items { get; } = [];

    public bool EveryItemDone => Items.Count > 0 && Items.Values.All(i => i.Done);

    /// <summary>An <c>incomplete</c> status means the provider cut the answer short.</summary>
    public TerminalClass FinishClass => FinalStatus == "incomplete" ? TerminalClass.Incomplete : TerminalClass.Completed;

    /// <summary>The terminal status, with the incomplete reason when there is one: <c>incomplete:max_output_tokens</c>.</summary>
    public string? FinishReason => FinalStatus is null ? null
        : IncompleteReason is null ? FinalStatus
        : $"{FinalStatus}:{IncompleteReason}";

    public string? NormalizedFinishReason => FinalStatus switch
    {
        null => null,
        "completed" => Items.Count > 0 && Items.Values.Last().IsToolCall ? FinishReasons.ToolCalls : FinishReasons.Stop,
        "incomplete" => IncompleteReason switch
        {
            "max_output_tokens" => FinishReasons.Length,
            "content_filter" => FinishReasons.ContentFilter,
            _ => FinishReasons.Other,
        },
        "failed" => FinishReasons.Error,
        _ => FinishReasons.Other,
    };

    public string GeneratedText()
    {
        var text = new StringBuilder();
        foreach (var item in Items.Values)
        {
            foreach (var summary in item.Summary.Values)
            {
                text.Append(summary);
            }

            foreach (var part in item.Content.Values)
            {
                text.Append(part.Text);
            }

            text.Append(item.IsToolCall ? item.Name : null).Append(item.Arguments);
        }

        return text.ToString();
    }

    public ResponsesItem Item(int index)
    {
        if (!Items.TryGetValue(index, out var item))
        {
            item = new ResponsesItem(index);
            Items.Add(index, item);
        }

        return item;
    }
}
