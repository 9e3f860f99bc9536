using System.Text;

namespace Tap.Sidecar.Streams.Sse;

/// <summary>One dispatched Server-Sent Event.</summary>
/// <param name="EventType">The <c>event</c> field, or <c>message</c> when the event did not name one.</param>
/// <param name="Utf8Data">
/// The <c>data</c> lines joined with a line feed, as the valid UTF-8 they arrived in: the aggregators parse it as JSON
/// straight from these bytes, without a round trip through a string. The event owns them.
/// </param>
/// <param name="Id">The last event ID in force when the event was dispatched (it persists across events, per spec).</param>
internal readonly record struct SseEvent(string EventType, ReadOnlyMemory<byte> Utf8Data, string? Id)
{
    /// <summary>The data as text, for diagnostics and tests.</summary>
    public string Data => Encoding.UTF8.GetString(Utf8Data.Span);

    /// <summary>The data is the <c>[DONE]</c> sentinel; some compatible servers pad it with whitespace.</summary>
    public bool IsDone => Utf8Data.Span.Trim(" \t\r\n"u8).SequenceEqual("[DONE]"u8);
}
