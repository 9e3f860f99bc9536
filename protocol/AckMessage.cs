using MessagePack;

namespace Tap.Protocol;

/// <summary>Executions whose records are committed to the store.</summary>
[MessagePackObject]
internal sealed class AckMessage() : ProtocolMessage(MessageType.Ack)
{
    [Key(0)]
    public byte[][] ExecutionIds { get; set; } = [];
}
