namespace Tap.Sidecar.Records;

/// <summary>The order of a <see cref="RecordQuery"/>: by start time, latency, time to first token, or the order records were committed in (when they were written).</summary>
internal enum RecordSort
{
    Started,
    Latency,
    Ttft,
    Recorded,
}
