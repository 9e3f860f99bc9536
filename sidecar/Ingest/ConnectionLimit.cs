namespace Tap.Sidecar.Ingest;

/// <summary>
/// Shim connections served at once (Tap:Ingest:MaxConnections). One more is closed at once, and the refusals are
/// counted and reported at most once a minute, so a flood of connections cannot flood the log either.
/// </summary>
internal sealed class ConnectionLimit(int max, TimeProvider time)
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private int _open;
    private long _refusedSinceReport;
    private long? _reportedAt;

    public int Max => max;

    public int Open => Volatile.Read(ref _open);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _open) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _open);

    /// <summary>Counts a refusal; returns how many to report when the last report is a minute old, else 0.</summary>
    public long Refused()
    {
        lock (_lock)
        {
            _refusedSinceReport++;
            var now = time.GetTimestamp();
            if (_reportedAt is { } last && time.GetElapsedTime(last, now) < ReportInterval)
            {
                return 0;
            }

            _reportedAt = now;
            var count = _refusedSinceReport;
            _refusedSinceReport = 0;
            return count;
        }
    }
}
