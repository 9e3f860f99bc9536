namespace Tap.Protocol;

/// <summary>The codes of the Error message (docs/protocol.md, "Errors").</summary>
internal static class ProtocolErrorCodes
{
    public const string FrameTooLarge = "frame_too_large";
    public const string MalformedFrame = "malformed_frame";
    public const string UnknownMessageType = "unknown_message_type";
    public const string UnsupportedVersion = "unsupported_version";
    public const string HandshakeRequired = "handshake_required";
    public const string InvalidField = "invalid_field";
    public const string UnknownExecution = "unknown_execution";
    public const string ShuttingDown = "shutting_down";
    public const string ExecutionOwned = "execution_owned";
    public const string TooManyConnections = "too_many_connections";
    public const string FrameTimeout = "frame_timeout";
}
