using MessagePack;

namespace Tap.Protocol;

/// <summary>Upstream response bytes exactly as the proxy read them.</summary>
[MessagePackObject]
internal sealed class ChunkMessage() : ExecutionMessage(MessageType.Chunk)
{
    [Key(3)]
    public byte[] Data { get; set; } = [];
}
