namespace Tap.Protocol;

/// <summary>Numbers both ends of the wire protocol agree on (docs/protocol.md).</summary>
internal static class ProtocolConstants
{
    public const int Version = 1;

    /// <summary>Big-endian unsigned 32-bit payload length before every frame.</summary>
    public const int LengthPrefixBytes = 4;

    /// <summary>Default and hard limits of one frame's payload; a longer chunk is split over several frames.</summary>
    public const int DefaultMaxFrameBytes = 1024 * 1024;
    public const int MinMaxFrameBytes = 4 * 1024;
    public const int MaxMaxFrameBytes = 16 * 1024 * 1024;

    public const int ExecutionIdBytes = 16;

    /// <summary>
    /// Start's trace context at most: a traceparent of version 00 is 55 characters (later versions may append fields),
    /// and 512 is the W3C length a vendor may cut tracestate at. Longer values are not sent, and not kept when received.
    /// </summary>
    public const int MaxTraceParentChars = 256;
    public const int MaxTraceStateChars = 512;

    /// <summary>The pipe name used when none is configured (on Linux: the socket /tmp/CoreFxPipe_tap).</summary>
    public const string DefaultEndpoint = "tap";
}
