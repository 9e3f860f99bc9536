using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Applies a content_block_delta to its block: text_delta, thinking_delta and citations_delta extend a block,
/// input_json_delta carries a tool input as partial JSON to be concatenated per block index, signature_delta sets the
/// thinking signature (https://platform.claude.com/docs/en/build-with-claude/streaming, "Content block delta types").
/// </summary>
internal static class AnthropicDeltaJson
{
    /// <summary>True when the delta carried text, thinking or tool input.</summary>
    public static bool Apply(AnthropicContentBlock block, JsonElement delta, TextBudget budget)
    {
        switch (String(delta, "type"))
        {
            case "text_delta":
                block.Type ??= "text";
                return AnthropicContentBlock.Append(block.Text, String(delta, "text"), budget);
            case "thinking_delta":
                block.Type ??= "thinking";
                return AnthropicContentBlock.Append(block.Thinking, String(delta, "thinking"), budget);
            case "input_json_delta":
                block.Type ??= "tool_use";
                return AnthropicContentBlock.Append(block.PartialJson, String(delta, "partial_json"), budget);
            case "signature_delta":
                block.Signature = String(delta, "signature") is { } signature
                    ? AnthropicContentBlock.KeepWhole(signature, budget)
                    : block.Signature;
                return false;
            case "citations_delta":
                if (TryGetObject(delta, "citation", out var citation))
                {
                    block.AddCitation(citation, budget);
                }

                return false;
            default:
                return false;
        }
    }
}
