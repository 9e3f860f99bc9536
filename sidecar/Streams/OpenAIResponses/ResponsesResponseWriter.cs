using System.Text.Json;
using static Tap.Sidecar.Streams.CompactJson;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>Writes an aggregated response back as a compact non-streamed <c>response</c> object, omitting nulls.</summary>
internal static class ResponsesResponseWriter
{
    public static string Write(ResponsesOutput output)
    {
        return CompactJson.Write(writer =>
        {
            writer.WriteStartObject();
            WriteOptional(writer, "id", output.Id);
            writer.WriteString("object", "response");
            WriteOptional(writer, "model", output.Model);
            WriteOptional(writer, "status", output.Status);
            if (output.IncompleteReason is { } reason)
            {
                writer.WriteStartObject("incomplete_details");
                writer.WriteString("reason", reason);
                writer.WriteEndObject();
            }

            if (output.ErrorCode is not null || output.ErrorMessage is not null)
            {
                writer.WriteStartObject("error");
                WriteOptional(writer, "code", output.ErrorCode);
                WriteOptional(writer, "message", output.ErrorMessage);
                writer.WriteEndObject();
            }

            writer.WriteStartArray("output");
            foreach (var item in output.Items.Values)
            {
                WriteItem(writer, item);
            }

            writer.WriteEndArray();
            WriteUsage(writer, output);
            writer.WriteEndObject();
        });
    }

    private static void WriteItem(Utf8JsonWriter writer, ResponsesItem item)
    {
        writer.WriteStartObject();
        WriteOptional(writer, "id", item.Id);
        WriteOptional(writer, "type", item.Type);
        WriteOptional(writer, "status", item.Status);
        WriteOptional(writer, "role", item.Role);
        WriteOptional(writer, "call_id", item.CallId);
        WriteOptional(writer, "name", item.Name);
        if (item.IsToolCall || item.Arguments.Length > 0)
        {
            writer.WriteString(item.Type == ResponsesItem.CustomToolCall ? "input" : "arguments", item.Arguments.ToString());
        }

        if (item.Summary.Count > 0)
        {
            writer.WriteStartArray("summary");
            foreach (var text in item.Summary.Values)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "summary_text");
                writer.WriteString("text", text.ToString());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (item.Content.Count > 0)
        {
            writer.WriteStartArray("content");
            foreach (var part in item.Content.Values)
            {
                writer.WriteStartObject();
                WriteOptional(writer, "type", part.Type);
                writer.WriteString(part.Type == "refusal" ? "refusal" : "text", part.Text.ToString());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter writer, ResponsesOutput output)
    {
        if (output.Usage is not { } usage)
        {
            return;
        }

        writer.WriteStartObject("usage");
        WriteOptional(writer, "input_tokens", usage.Input);
        if (usage.CachedInput is { } cached)
        {
            writer.WriteStartObject("input_tokens_details");
            writer.WriteNumber("cached_tokens", cached);
            writer.WriteEndObject();
        }

        WriteOptional(writer, "output_tokens", usage.Output);
        if (usage.Reasoning is { } reasoning)
        {
            writer.WriteStartObject("output_tokens_details");
            writer.WriteNumber("reasoning_tokens", reasoning);
            writer.WriteEndObject();
        }

        WriteOptional(writer, "total_tokens", usage.Total);
        writer.WriteEndObject();
    }
}
