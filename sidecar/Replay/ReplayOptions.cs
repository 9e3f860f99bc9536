namespace Tap.Sidecar.Replay;

/// <summary>How to play a transcript back: its format, the response head, and the signals to simulate at byte offsets.</summary>
internal sealed record ReplayOptions
{
    public required string Format { get; init; }

    public int Status { get; init; } = 200;

    /// <summary>
    /// Null: <c>application/vnd.amazon.eventstream</c> when the transcript starts with an AWS event-stream prelude,
    /// <c>application/json</c> when it starts with '{' or '[', else <c>text/event-stream</c>.
    /// </summary>
    public string? ContentType { get; init; }

    public long? ClientAbortAt { get; init; }

    public long? UpstreamErrorAt { get; init; }

    public long? EofAt { get; init; }
}
