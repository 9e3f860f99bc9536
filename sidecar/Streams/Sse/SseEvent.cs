namespace Tap.Sidecar.Streams.Sse;

/// <summary>One dispatched Server-Sent Event.</summary>
/// <param name="EventType">The <c>event</c> field, or <c>message</c> when the event did not name one.</param>
/// <param name="Data">The <c>data</c> lines joined with a line feed.</param>
/// <param name="Id">The last event ID in force when the event was dispatched (it persists across events, per spec).</param>
internal readonly record struct SseEvent(string EventType, string Data, string? Id);
