using Microsoft.Extensions.Options;
using Tap.Benchmarks.Fixtures;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

namespace Tap.Benchmarks.Ingest;

/// <summary>
/// The records the sidecar stores for a replay, built by the sidecar's own code (state, decision, record
/// factory) without the pipe: the store baselines insert exactly what Tap inserts.
/// </summary>
internal static class RecordBuilder
{
    private static readonly ClientIdentity Client = new() { Process = "bench", ProcessId = Environment.ProcessId, Host = Environment.MachineName, Gateway = "bench" };

    public static List<ExecutionRecord> Build(IReadOnlyList<Fixture> fixtures, int count)
    {
        var factory = new RecordFactory(Options.Create(new StoreOptions()), TimeProvider.System);
        var records = new List<ExecutionRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var fixture = fixtures[i % fixtures.Count];
            var at = DateTimeOffset.UtcNow;
            var state = new ExecutionState(new ExecutionStart(Guid.CreateVersion7(at), at, fixture.Format, Stream: true,
                RequestId: "bench-" + i, Route: "llm", Provider: "bench", RequestedModel: "bench-model", RequestPath: fixture.RequestPath));
            state.OnResponse(200, "text/event-stream", at);
            foreach (var data in fixture.Events)
            {
                state.OnChunk(data, at);
            }

            state.OnUpstreamEnd(at);
            state.OnEnd(0, at);
            records.Add(factory.Create(state, OutcomeEngine.Decide(state, Finalization.Ended), Client));
        }

        return records;
    }
}
