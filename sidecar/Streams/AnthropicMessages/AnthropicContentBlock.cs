using System.Text;
using System.Text.Json;
using Tap.Sidecar.Streams.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// One content block of a message: what its start (or a non-streamed message) said, and its deltas concatenated.
/// Text is held within the message's <see cref="TextBudget"/>.
/// </summary>
internal sealed class AnthropicContentBlock(int index)
{
    public int Index { get; } = index;

    /// <summary><c>text</c>, <c>thinking</c>, <c>redacted_thinking</c>, <c>tool_use</c>, <c>server_tool_use</c>, ...</summary>
    public string? Type { get; set; }

    public string? Id { get; set; }

    public string? Name { get; set; }

    public StringBuilder Text { get; } = new();

    public StringBuilder Thinking { get; } = new();

    /// <summary>The signature that lets a thinking block be sent back; a signature_delta replaces it.</summary>
    public string? Signature { get; set; }

    /// <summary>A redacted_thinking block's encrypted <c>data</c>.</summary>
    public string? Data { get; set; }

    /// <summary>The tool input's <c>partial_json</c> deltas concatenated.</summary>
    public StringBuilder PartialJson { get; } = new();

    /// <summary>The tool input the block started with (or a non-streamed message's whole input), as raw JSON.</summary>
    public string? StartInput { get; set; }

    /// <summary>Citations as raw JSON, from a non-streamed block or from citations_delta events.</summary>
    public List<string> Citations { get; } = [];

    /// <summary>A block of a type this aggregator does not model (server tool results, ...), kept as raw JSON.</summary>
    public string? Raw { get; set; }

    public bool Stopped { get; set; }

    public bool IsToolUse => Type is "tool_use" or "server_tool_use" or "mcp_tool_use";

    /// <summary>The tool input as sent so far: the concatenated deltas, or the input the block started with.</summary>
    public string? InputJson => PartialJson.Length > 0 ? PartialJson.ToString() : StartInput;

    /// <summary>Reads what a content_block_start (or a non-streamed content block) carries; true when it carried text or thinking.</summary>
    public bool ApplyStart(JsonElement block, TextBudget budget)
    {
        Type = String(block, "type") ?? Type;
        Id = String(block, "id") ?? Id;
        Name = String(block, "name") ?? Name;
        switch (Type)
        {
            case "text":
                foreach (var citation in Array(block, "citations"))
                {
                    AddCitation(citation, budget);
                }

                return Append(Text, String(block, "text"), budget);
            case "thinking":
                if (String(block, "signature") is { Length: > 0 } signature)
                {
                    Signature = KeepWhole(signature, budget);
                }

                return Append(Thinking, String(block, "thinking"), budget);
            case "redacted_thinking":
                Data = String(block, "data") is { } data ? KeepWhole(data, budget) : null;
                return false;
            case "tool_use" or "server_tool_use" or "mcp_tool_use":
                StartInput = TryGet(block, "input", out var input) ? KeepWhole(Raw(input), budget) : null;
                return false;
            default:
                Raw = KeepWhole(JsonMembers.Raw(block), budget);
                return false;
        }
    }

    public void AddCitation(JsonElement citation, TextBudget budget)
    {
        if (citation.ValueKind == JsonValueKind.Object && KeepWhole(JsonMembers.Raw(citation), budget) is { } raw)
        {
            Citations.Add(raw);
        }
    }

    /// <summary>Appends within the budget; true when <paramref name="text"/> was not empty.</summary>
    public static bool Append(StringBuilder target, string? text, TextBudget budget)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        budget.Append(target, text);
        return true;
    }

    /// <summary>
    /// <paramref name="value"/> when it fits the budget, else null: raw JSON, a signature or encrypted data cut short
    /// would be worse than none.
    /// </summary>
    public static string? KeepWhole(string value, TextBudget budget)
    {
        var kept = new StringBuilder();
        budget.Append(kept, value);
        return kept.Length == value.Length ? value : null;
    }
}
