using System.Text.Json;
using static Tap.Sidecar.Streams.CompactJson;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Writes an aggregated message back as compact JSON in the shape of a non-streamed Messages API response, omitting
/// nulls.
/// </summary>
internal static class AnthropicResponseWriter
{
    public static string Write(AnthropicMessage message)
    {
        return CompactJson.Write(writer =>
        {
            writer.WriteStartObject();
            WriteOptional(writer, "id", message.Id);
            writer.WriteString("type", "message");
            WriteOptional(writer, "role", message.Role);
            WriteOptional(writer, "model", message.Model);
            writer.WriteStartArray("content");
            foreach (var block in message.Blocks.Values.Where(b => b.Type is not null))
            {
                AnthropicBlockWriter.Write(writer, block);
            }

            writer.WriteEndArray();
            WriteOptional(writer, "stop_reason", message.StopReason);
            WriteOptional(writer, "stop_sequence", message.StopSequence);
            WriteUsage(writer, message);
            writer.WriteEndObject();
        });
    }

    // Without final counts only message_start's input side is known: its output_tokens is not the answer's.
    private static void WriteUsage(Utf8JsonWriter writer, AnthropicMessage message)
    {
        var usage = message.FinalUsage ?? message.StartUsage;
        if (usage is null)
        {
            return;
        }

        writer.WriteStartObject("usage");
        WriteOptional(writer, "input_tokens", usage.InputTokens);
        WriteOptional(writer, "cache_creation_input_tokens", usage.CacheCreationInputTokens);
        WriteOptional(writer, "cache_read_input_tokens", usage.CacheReadInputTokens);
        if (message.FinalUsage is not null)
        {
            WriteOptional(writer, "output_tokens", usage.OutputTokens);
            if (usage.ThinkingTokens is { } thinking)
            {
                writer.WriteStartObject("output_tokens_details");
                writer.WriteNumber("thinking_tokens", thinking);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }
}
