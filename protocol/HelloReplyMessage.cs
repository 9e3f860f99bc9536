using MessagePack;

namespace Tap.Protocol;

/// <summary>The sidecar's answer to Hello. A refusal is followed by the sidecar closing the connection.</summary>
[MessagePackObject]
internal sealed class HelloReplyMessage() : ProtocolMessage(MessageType.HelloReply)
{
    [Key(0)]
    public bool Accepted { get; set; }

    [Key(1)]
    public string? Reason { get; set; }

    [Key(2)]
    public int ProtocolVersion { get; set; }

    [Key(3)]
    public int MaxFrameBytes { get; set; }

    [Key(4)]
    public string? ServerName { get; set; }
}
