namespace Tap.Protocol;

/// <summary>Wire timestamps: microseconds since the Unix epoch, UTC.</summary>
internal static class Timestamps
{
    public static long ToWire(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromWire(long microseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(Math.Clamp(microseconds, 0, (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond) * TimeSpan.TicksPerMicrosecond);
}
