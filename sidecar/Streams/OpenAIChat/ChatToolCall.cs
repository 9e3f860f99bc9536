using System.Text;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>One tool call of a choice: identity from its first delta, arguments concatenated from all of them.</summary>
internal sealed class ChatToolCall(int index)
{
    public int Index { get; } = index;

    public string? Id { get; set; }

    public string? Type { get; set; }

    public string? Name { get; set; }

    public StringBuilder Arguments { get; } = new();
}
