using System.Text;

namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>
/// One content block of a Converse message: text, a tool use (its input arrives as JSON text in pieces) or reasoning
/// (text with a signature, or redacted content), held within the response's <see cref="TextBudget"/>.
/// </summary>
internal sealed class ConverseBlock
{
    public StringBuilder Text { get; } = new();

    public string? ToolUseId { get; set; }

    public string? ToolName { get; set; }

    /// <summary>The tool input's pieces concatenated (streamed), or the whole input's JSON (a non-streamed body).</summary>
    public StringBuilder ToolInput { get; } = new();

    public StringBuilder ReasoningText { get; } = new();

    public string? ReasoningSignature { get; set; }

    /// <summary>Redacted reasoning, base64 as sent.</summary>
    public string? RedactedReasoning { get; set; }

    /// <summary>A block of a kind this aggregator does not model (citations, images, ...), kept as raw JSON.</summary>
    public string? Raw { get; set; }

    public bool IsToolUse => ToolName is not null || ToolUseId is not null || ToolInput.Length > 0;

    public bool IsReasoning => ReasoningText.Length > 0 || ReasoningSignature is not null || RedactedReasoning is not null;

    public bool Stopped { get; set; }
}
