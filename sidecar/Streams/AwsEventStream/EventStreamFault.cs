namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>
/// Why the parser stopped dispatching: <c>message_too_large</c>, <c>invalid_length</c>, <c>prelude_crc_mismatch</c>,
/// <c>message_crc_mismatch</c> or <c>malformed_headers</c>. The stream cannot be trusted past it.
/// </summary>
internal sealed record EventStreamFault(string Code, string Message);
