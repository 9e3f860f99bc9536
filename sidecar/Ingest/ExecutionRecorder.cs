using Microsoft.Extensions.Logging;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Ingest;

/// <summary>Decides an execution, turns it into its record and hands it to the store's writer; the shim is acknowledged after commit.</summary>
internal sealed class ExecutionRecorder(RecordWriter writer, RecordFactory records, RecordStore store, TimeProvider time, ILogger<ExecutionRecorder> logger)
{
    /// <summary>What a shim's handshake says it dropped, kept for <c>tap stats</c>.</summary>
    public void ReportShimLoss(ClientIdentity client, long dropped) => store.ReportShimLoss(client, dropped, time.GetUtcNow().UtcDateTime);

    /// <summary>Completes when the store's writer has room for more records: readers wait here before reading more frames.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken) => writer.WaitForRoomAsync(cancellationToken);

    public RawCapture? StartRawCapture(DateTimeOffset startedAt) => records.StartRawCapture(startedAt);

    public void Record(ExecutionState state, Finalization how, ClientIdentity client, RawCapture? raw, Action<Guid>? acknowledge)
    {
        var decision = OutcomeEngine.Decide(state, how);
        var record = records.Create(state, decision, client, raw);
        IngestLog.ExecutionDecided(logger, record.Id, record.Status, record.Reason);
        if (!writer.TryEnqueue(record, acknowledge is null ? null : r => acknowledge(r.Id)))
        {
            IngestLog.RecordDropped(logger, record.Id);
        }
    }
}
