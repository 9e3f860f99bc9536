namespace Tap.Sidecar.Records;

/// <summary>The order of a <see cref="RecordQuery"/>: by start time, latency, time to first token, or the time the record was written.</summary>
internal enum RecordSort
{
    Started,
    Latency,
    Ttft,
    Recorded,
}
