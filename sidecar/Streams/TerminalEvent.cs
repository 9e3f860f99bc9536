namespace Tap.Sidecar.Streams;

/// <summary>A terminal event seen in the upstream response: its class, its name on the wire and when it arrived.</summary>
internal sealed record TerminalEvent(TerminalClass Class, string Name, DateTimeOffset At, string? Detail = null);
