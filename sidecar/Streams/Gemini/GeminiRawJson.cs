using System.Buffers;
using System.Text;
using System.Text.Json;

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
        var json = Compact(value);
        budget.Append(Text, json);
        Whole = Text.Length == json.Length;
    }

    public StringBuilder Text { get; } = new();

    public bool Whole { get; }

    /// <summary>The value without the whitespace a pretty-printed body carries.</summary>
    public static string Compact(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CompactJson.Options))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
