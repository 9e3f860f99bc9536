using System.Text;
using System.Text.Json;
using Tap.Sidecar.Streams.Json;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// A JSON value Tap keeps without modelling it (function-call arguments, a part such as <c>inlineData</c>), compacted
/// and charged to the text budget. A value the budget cut is kept for <see cref="GeminiResponse.GeneratedText"/> but
/// never written back, since it is no longer JSON.
/// </summary>
internal sealed class GeminiRawJson
{
    public GeminiRawJson(JsonElement value, TextBudget budget)
    {
        var json = JsonMembers.Compact(value);
        budget.Append(Text, json);
        Whole = Text.Length == json.Length;
    }

    public StringBuilder Text { get; } = new();

    public bool Whole { get; }
}
