using MessagePack;

namespace Tap.Protocol;

/// <summary>Why the sidecar is about to close this connection.</summary>
[MessagePackObject]
internal sealed class ErrorMessage() : ProtocolMessage(MessageType.Error)
{
    [Key(0)]
    public string Code { get; set; } = "";

    [Key(1)]
    public string Message { get; set; } = "";
}
