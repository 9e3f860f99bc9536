using Microsoft.Extensions.Logging;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Ingest;

/// <summary>Decides an execution, turns it into its record and hands it to the store's writer; the shim is acknowledged after commit.</summary>
internal sealed class ExecutionRecorder(RecordWriter writer, RecordFactory records, ILogger<ExecutionRecorder> logger)
{
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
