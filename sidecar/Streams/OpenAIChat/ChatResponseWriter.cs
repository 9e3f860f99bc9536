using System.Text.Json;
using static Tap.Sidecar.Streams.CompactJson;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>Writes an aggregated completion back as compact Chat Completions-shaped JSON, omitting nulls.</summary>
internal static class ChatResponseWriter
{
    public static string Write(ChatCompletion completion)
    {
        return CompactJson.Write(writer =>
        {
            writer.WriteStartObject();
            WriteOptional(writer, "id", completion.Id);
            WriteOptional(writer, "model", completion.Model);
            WriteOptional(writer, "system_fingerprint", completion.SystemFingerprint);
            writer.WriteStartArray("choices");
            foreach (var choice in completion.Choices.Values)
            {
                WriteChoice(writer, choice);
            }

            writer.WriteEndArray();
            WriteUsage(writer, completion);
            writer.WriteEndObject();
        });
    }

    private static void WriteChoice(Utf8JsonWriter writer, ChatChoice choice)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", choice.Index);
        WriteOptional(writer, "role", choice.Role);
        foreach (var field in ChatChoice.TextFields)
        {
            WriteOptional(writer, field, choice.Text(field)?.ToString());
        }

        if (choice.ToolCalls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var call in choice.ToolCalls.Values)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", call.Index);
                WriteOptional(writer, "id", call.Id);
                WriteOptional(writer, "type", call.Type);
                writer.WriteStartObject("function");
                WriteOptional(writer, "name", call.Name);
                writer.WriteString("arguments", call.Arguments.ToString());
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteOptional(writer, "finish_reason", choice.FinishReason);
        writer.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter writer, ChatCompletion completion)
    {
        if (completion.Usage is not { } usage)
        {
            return;
        }

        writer.WriteStartObject("usage");
        WriteOptional(writer, "prompt_tokens", usage.Input);
        WriteOptional(writer, "completion_tokens", usage.Output);
        WriteOptional(writer, "total_tokens", usage.Total);
        if (usage.CachedInput is { } cached)
        {
            writer.WriteStartObject("prompt_tokens_details");
            writer.WriteNumber("cached_tokens", cached);
            writer.WriteEndObject();
        }

        if (usage.Reasoning is { } reasoning)
        {
            writer.WriteStartObject("completion_tokens_details");
            writer.WriteNumber("reasoning_tokens", reasoning);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
