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

    /// <summary>The pipe name used when none is configured (on Linux: the socket /tmp/CoreFxPipe_tap).</summary>
    public const string DefaultEndpoint = "tap";
}
