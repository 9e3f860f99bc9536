
namespace Tap.Sidecar.Records;

/// <summary>
/// Executions a shim dropped whole, as it reported them: a Loss message (docs/protocol.md, "7 Loss"), or, with no
/// <see cref="ReportId"/>, the cumulative count in the handshake of a shim that predates Loss messages.
/// </summary>
/// <param name="ReportId">The report's own id, so that a replayed report is stored once; null for a handshake count.</param>
/// <param name="Reason">One of the protocol's loss reasons, or <see cref="HandshakeReason"/>.</param>
/// <param name="ExecutionIds">The dropped executions.</param>
/// <param name="Uncounted">Further drops whose ids the shim could not keep; for a handshake count, the count itself.</param>
internal sealed record ShimLossReport(
    Guid? ReportId,
    string Reason,
    IReadOnlyList<Guid> ExecutionIds,
    long Uncounted,
    ClientIdentity Client,
    Guid? Instance,
    DateTime At)
{
    /// <summary>The reason of a cumulative count from the handshake of a shim that predates Loss reports.</summary>
    public const string HandshakeReason = "handshake";
}
