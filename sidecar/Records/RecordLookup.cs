namespace Tap.Sidecar.Records;

/// <summary>An execution and the other attempts of the same request (same request id), by attempt number.</summary>
internal sealed record RecordLookup(ExecutionRecord Record, IReadOnlyList<ExecutionRecord> Attempts);
