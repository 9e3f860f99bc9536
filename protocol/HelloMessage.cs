using MessagePack;

namespace Tap.Protocol;

/// <summary>The first frame on every connection.</summary>
[MessagePackObject]
internal sealed class HelloMessage() : ProtocolMessage(MessageType.Hello)
{
    [Key(0)]
    public int ProtocolVersion { get; set; }

    [Key(1)]
    public string? ProcessName { get; set; }

    [Key(2)]
    public int ProcessId { get; set; }

    [Key(3)]
    public string? HostName { get; set; }

    [Key(4)]
    public string? GatewayName { get; set; }

    [Key(5)]
    public string? ShimVersion { get; set; }

    /// <summary>Executions the shim dropped whole, since it started, because its buffer was full.</summary>
    [Key(6)]
    public long DroppedExecutions { get; set; }

    /// <summary>
    /// 16 random bytes naming the shim instance (one per client object, new at every start); nil from version-1
    /// shims that predate it. The sidecar lets only this instance take over its executions in flight.
    /// </summary>
    [Key(7)]
    public byte[]? InstanceId { get; set; }
}
