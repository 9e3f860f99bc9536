using MessagePack;

namespace Tap.Protocol;

/// <summary>The three fields every per-execution message starts with.</summary>
internal abstract class ExecutionMessage(MessageType type) : ProtocolMessage(type)
{
    /// <summary>16 opaque bytes; shown as a GUID in RFC 4122 byte order.</summary>
    [Key(0)]
    public byte[] ExecutionId { get; set; } = [];

    /// <summary>0 for Start, then +1 for each message of the execution.</summary>
    [Key(1)]
    public uint Sequence { get; set; }

    /// <summary>Microseconds since the Unix epoch, UTC, on the shim's clock.</summary>
    [Key(2)]
    public long Timestamp { get; set; }
}
