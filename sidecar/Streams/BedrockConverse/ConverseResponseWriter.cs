using System.Text.Json;
using static Tap.Sidecar.Streams.CompactJson;

namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>Writes an aggregated message back as compact JSON in the shape of a non-streamed Converse response, omitting nulls.</summary>
internal static class ConverseResponseWriter
{
    public static string Write(ConverseMessage message)
    {
        return CompactJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("output");
            writer.WriteStartObject("message");
            WriteOptional(writer, "role", message.Role);
            writer.WriteStartArray("content");
            foreach (var block in message.Blocks.Values)
            {
                WriteBlock(writer, block);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            WriteOptional(writer, "stopReason", message.StopReason);
            if (message.RawUsage is { } usage)
            {
                writer.WritePropertyName("usage");
                writer.WriteRawValue(usage, skipInputValidation: true);
            }

            if (message.LatencyMs is { } latency)
            {
                writer.WriteStartObject("metrics");
                writer.WriteNumber("latencyMs", latency);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });
    }

    private static void WriteBlock(Utf8JsonWriter writer, ConverseBlock block)
    {
        if (block.Raw is { } raw)
        {
            writer.WriteRawValue(raw, skipInputValidation: true);
            return;
        }

        writer.WriteStartObject();
        if (block.IsToolUse)
        {
            writer.WriteStartObject("toolUse");
            WriteOptional(writer, "toolUseId", block.ToolUseId);
            WriteOptional(writer, "name", block.ToolName);
            WriteInput(writer, block.ToolInput.ToString());
            writer.WriteEndObject();
        }
        else if (block.IsReasoning)
        {
            writer.WriteStartObject("reasoningContent");
            if (block.RedactedReasoning is { } redacted)
            {
                writer.WriteString("redactedContent", redacted);
            }
            else
            {
                writer.WriteStartObject("reasoningText");
                writer.WriteString("text", block.ReasoningText.ToString());
                WriteOptional(writer, "signature", block.ReasoningSignature);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString("text", block.Text.ToString());
        }

        writer.WriteEndObject();
    }

    /// <summary>The input as JSON when the concatenated pieces parse; otherwise (a stream cut mid-input) the raw text.</summary>
    private static void WriteInput(Utf8JsonWriter writer, string input)
    {
        try
        {
            using var document = JsonDocument.Parse(input.Length == 0 ? "{}" : input);
            writer.WritePropertyName("input");
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteString("input", input);
        }
    }
}
