using MessagePack;

namespace Tap.Protocol;

/// <summary>The proxy is done with the execution; the sidecar decides its outcome now.</summary>
[MessagePackObject]
internal sealed class EndMessage() : ExecutionMessage(MessageType.End)
{
    /// <summary><see cref="DroppedWhole"/> when the shim dropped the rest of the execution (its buffer was full); else 0.</summary>
    [Key(3)]
    public int DroppedFrames { get; set; }

    public const int DroppedWhole = -1;
}
