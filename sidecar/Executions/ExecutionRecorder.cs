using Microsoft.Extensions.Logging;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Executions;

/// <summary>Decides an execution, turns it into its record and hands it to the store's writer; the shim is acknowledged after commit.</summary>
internal sealed class ExecutionRecorder(RecordWriter writer, RecordFactory records, TimeProvider time, ILogger<ExecutionRecorder> logger)
{
    /// <summary>
    /// The cumulative count in the handshake of a shim that sends no Loss reports (it predates them), kept for
    /// <c>tap stats</c> through the writer like any record.
    /// </summary>
    public void ReportShimLoss(ClientIdentity client, long dropped) =>
        writer.TryEnqueue(new ShimLossReport(null, ShimLossReport.HandshakeReason, [], dropped, client, null, time.GetUtcNow().UtcDateTime), onCommitted: null);

    /// <summary>A shim's Loss report: acknowledged by its id once committed, so the shim forgets it only then.</summary>
    public void RecordLoss(ShimLossReport report, Action<Guid> acknowledge)
    {
        ExecutionLog.LossReported(logger, report.ReportId!.Value, report.Client.Gateway, report.ExecutionIds.Count + report.Uncounted, report.Reason);
        if (!writer.TryEnqueue(report, () => acknowledge(report.ReportId.Value)))
        {
            ExecutionLog.RecordDropped(logger, report.ReportId.Value);
        }
    }

    /// <summary>Completes when the store's writer has room for more records: readers wait here before reading more frames.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken) => writer.WaitForRoomAsync(cancellationToken);

    public RawCapture? StartRawCapture(DateTimeOffset startedAt) => records.StartRawCapture(startedAt);

    public void Record(ExecutionState state, Finalization how, ClientIdentity client, RawCapture? raw, Action<Guid>? acknowledge)
    {
        var decision = OutcomeEngine.Decide(state, how);
        var record = records.Create(state, decision, client, raw, out var estimate);
        ExecutionLog.ExecutionDecided(logger, record.Id, record.Status, record.Reason);
        if (!writer.TryEnqueue(record, acknowledge is null ? null : r => acknowledge(r.Id), estimate is null ? null : r => records.Complete(r, estimate), estimate?.Sample.Length ?? 0))
        {
            ExecutionLog.RecordDropped(logger, record.Id);
        }
    }
}
