namespace Tap.Sidecar.Streams;

/// <summary>
/// A stream that could not be trusted from some point on: malformed input (<c>malformed_json</c>,
/// <c>line_too_long</c>, <c>body_too_large</c>, <c>invalid_utf8</c>) or an error object sent by the provider
/// (<c>provider_error</c>).
/// </summary>
internal sealed record StreamFault(string Code, string Message, DateTimeOffset At);
