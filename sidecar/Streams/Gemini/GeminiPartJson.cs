using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>Applies one element of <c>content.parts</c> (https://ai.google.dev/api/caching#Part) to a candidate.</summary>
internal static class GeminiPartJson
{
    /// <summary>True when the part carried text, a thought or a function call.</summary>
    public static bool Apply(GeminiCandidate candidate, JsonElement part, TextBudget budget)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var signature = String(part, "thoughtSignature");
        if (TryGet(part, "functionCall", JsonValueKind.Object, out var call))
        {
            // Gemini sends each call whole, never as argument deltas; args is a JSON object.
            var args = TryGet(call, "args", out var value) ? new GeminiRawJson(value, budget) : null;
            candidate.Parts.Add(GeminiPart.ForFunctionCall(String(call, "id"), String(call, "name"), args, signature));
            return true;
        }

        if (String(part, "text") is { } text)
        {
            candidate.AppendText(text, True(part, "thought"), signature, budget);
            return text.Length > 0;
        }

        if (HasOnly(part, "thought", "thoughtSignature"))
        {
            candidate.AppendText("", True(part, "thought"), signature, budget);
        }
        else
        {
            // inlineData, executableCode, codeExecutionResult and any later kind are kept as they came.
            candidate.Parts.Add(GeminiPart.ForOther(new GeminiRawJson(part, budget)));
        }

        return false;
    }
}
