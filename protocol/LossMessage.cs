using MessagePack;

namespace Tap.Protocol;

/// <summary>
/// Executions the shim dropped whole before the sidecar had all of them, reported as they happen. Its execution id
/// names the report itself: the sidecar acknowledges it like an execution once the loss is committed, so the shim
/// keeps and replays a report until then, and a replayed report is stored once.
/// </summary>
[MessagePackObject]
internal sealed class LossMessage() : ExecutionMessage(MessageType.Loss)
{
    /// <summary>Why they were dropped: one of <see cref="LossReasons"/>.</summary>
    [Key(3)]
    public string? Reason { get; set; }

    /// <summary>The dropped executions' ids, 16 bytes each.</summary>
    [Key(4)]
    public byte[][] ExecutionIds { get; set; } = [];

    /// <summary>Further drops of the same reason whose ids the shim could not keep.</summary>
    [Key(5)]
    public long Uncounted { get; set; }
}
