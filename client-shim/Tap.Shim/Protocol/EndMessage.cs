using MessagePack;

namespace Tap.Shim.Protocol;

/// <summary>The proxy is done with the execution; the sidecar decides its outcome now.</summary>
[MessagePackObject]
internal sealed class EndMessage() : ExecutionMessage(MessageType.End)
{
    /// <summary>Frames of this execution the shim had to drop (its buffer was full): the capture is incomplete.</summary>
    [Key(3)]
    public int DroppedFrames { get; set; }
}
