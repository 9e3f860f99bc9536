using System.Text.Json;
using static Tap.Sidecar.Streams.CompactJson;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// Writes the merged response back as a compact, non-streamed GenerateContentResponse
/// (https://ai.google.dev/api/generate-content#generatecontentresponse), omitting nulls.
/// </summary>
internal static class GeminiResponseWriter
{
    public static string Write(GeminiResponse response)
    {
        return CompactJson.Write(writer =>
        {
            writer.WriteStartObject();
            if (response.Candidates.Count > 0)
            {
                writer.WriteStartArray("candidates");
                foreach (var candidate in response.Candidates.Values)
                {
                    WriteCandidate(writer, candidate);
                }

                writer.WriteEndArray();
            }

            WriteRaw(writer, "promptFeedback", response.PromptFeedback);
            WriteUsage(writer, response.Usage);
            WriteOptional(writer, "modelVersion", response.ModelVersion);
            WriteOptional(writer, "responseId", response.ResponseId);
            writer.WriteEndObject();
        });
    }

    private static void WriteCandidate(Utf8JsonWriter writer, GeminiCandidate candidate)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("content");
        writer.WriteStartArray("parts");
        foreach (var part in candidate.Parts)
        {
            WritePart(writer, part);
        }

        writer.WriteEndArray();
        WriteOptional(writer, "role", candidate.Role);
        writer.WriteEndObject();
        WriteOptional(writer, "finishReason", candidate.FinishReason);
        WriteOptional(writer, "finishMessage", candidate.FinishMessage);
        writer.WriteNumber("index", candidate.Index);
        WriteRaw(writer, "safetyRatings", candidate.SafetyRatings);
        writer.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter writer, GeminiPart part)
    {
        if (part.Kind == GeminiPartKind.Other)
        {
            // A part the budget cut is no longer JSON; the response is marked truncated instead.
            if (part.Json is { Whole: true } json)
            {
                writer.WriteRawValue(json.Text.ToString());
            }

            return;
        }

        writer.WriteStartObject();
        if (part.Kind == GeminiPartKind.Text)
        {
            writer.WriteString("text", part.Text.ToString());
            if (part.Thought)
            {
                writer.WriteBoolean("thought", true);
            }
        }
        else
        {
            writer.WriteStartObject("functionCall");
            WriteOptional(writer, "id", part.FunctionId);
            WriteOptional(writer, "name", part.FunctionName);
            if (part.Json is { Whole: true } args)
            {
                writer.WritePropertyName("args");
                writer.WriteRawValue(args.Text.ToString());
            }

            writer.WriteEndObject();
        }

        WriteOptional(writer, "thoughtSignature", part.ThoughtSignature);
        writer.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter writer, GeminiUsage? usage)
    {
        if (usage is null)
        {
            return;
        }

        writer.WriteStartObject("usageMetadata");
        WriteOptional(writer, "promptTokenCount", usage.Prompt);
        WriteOptional(writer, "candidatesTokenCount", usage.Candidates);
        WriteOptional(writer, "totalTokenCount", usage.Total);
        WriteOptional(writer, "cachedContentTokenCount", usage.CachedContent);
        WriteOptional(writer, "toolUsePromptTokenCount", usage.ToolUsePrompt);
        WriteOptional(writer, "thoughtsTokenCount", usage.Thoughts);
        writer.WriteEndObject();
    }

    private static void WriteRaw(Utf8JsonWriter writer, string name, string? json)
    {
        if (json is not null)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(json);
        }
    }
}
