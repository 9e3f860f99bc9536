using System.Text.Json;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>Writes one content block in the shape the non-streamed Messages API returns it.</summary>
internal static class AnthropicBlockWriter
{
    public static void Write(Utf8JsonWriter writer, AnthropicContentBlock block)
    {
        if (block.Raw is { } raw)
        {
            writer.WriteRawValue(raw, skipInputValidation: true);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", block.Type);
        switch (block.Type)
        {
            case "text":
                writer.WriteString("text", block.Text.ToString());
                WriteCitations(writer, block);
                break;
            case "thinking":
                writer.WriteString("thinking", block.Thinking.ToString());
                CompactJson.WriteOptional(writer, "signature", block.Signature);
                break;
            case "redacted_thinking":
                CompactJson.WriteOptional(writer, "data", block.Data);
                break;
            default:
                CompactJson.WriteOptional(writer, "id", block.Id);
                CompactJson.WriteOptional(writer, "name", block.Name);
                WriteInput(writer, block.InputJson);
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteCitations(Utf8JsonWriter writer, AnthropicContentBlock block)
    {
        if (block.Citations.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("citations");
        foreach (var citation in block.Citations)
        {
            writer.WriteRawValue(citation, skipInputValidation: true);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// The input as JSON when the concatenated partial_json parses; otherwise (a stream cut mid-input, the text budget
    /// reached) the raw text, so what the model sent is still readable.
    /// </summary>
    private static void WriteInput(Utf8JsonWriter writer, string? input)
    {
        if (input is null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(input);
            writer.WritePropertyName("input");
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteString("input", input);
        }
    }
}
