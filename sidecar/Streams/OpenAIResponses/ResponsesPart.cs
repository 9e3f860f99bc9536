using System.Text;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>One content part: <c>output_text</c>, <c>refusal</c> or <c>reasoning_text</c>, with its text.</summary>
internal sealed class ResponsesPart
{
    public string? Type { get; set; }

    public StringBuilder Text { get; } = new();
}
