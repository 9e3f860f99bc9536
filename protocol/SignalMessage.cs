using MessagePack;

namespace Tap.Protocol;

/// <summary>A lifecycle event of the execution.</summary>
[MessagePackObject]
internal sealed class SignalMessage() : ExecutionMessage(MessageType.Signal)
{
    [Key(3)]
    public SignalKind Kind { get; set; }

    /// <summary>For UpstreamError: <c>connection_reset</c>, <c>timeout</c>, <c>malformed_response</c> or <c>other</c>.</summary>
    [Key(4)]
    public string? ErrorKind { get; set; }

    [Key(5)]
    public string? Message { get; set; }
}
