namespace Tap.Sidecar.Streams.Sse;

/// <summary>Why the parser stopped dispatching: <c>line_too_long</c> or <c>invalid_utf8</c>.</summary>
internal sealed record SseFault(string Code, string Message);
