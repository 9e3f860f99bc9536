using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Executions;

/// <summary>
/// The raw chunks of one execution as the shim reported them, kept for <c>tap replay ID</c> when
/// <see cref="StoreOptions.StoreRawChunks"/> is on, up to <see cref="StoreOptions.MaxRawChunkBytes"/>.
/// </summary>
internal sealed class RawCapture(DateTimeOffset startedAt, int maxBytes)
{
    private long _bytes;

    public List<RawChunkEntry> Chunks { get; } = [];

    /// <summary>The time of every signal in microseconds from the start: the record's signal dates hold milliseconds only.</summary>
    public List<long> SignalOffsetsMicros { get; } = [];

    /// <summary>A chunk did not fit: the capture stops there, and a replay cannot re-decide the execution.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Keeps a copy of <paramref name="data"/>, which lies in the connection's buffer; nothing of a chunk that does not fit.</summary>
    public void Keep(ReadOnlySpan<byte> data, DateTimeOffset at)
    {
        if (Truncated || _bytes + data.Length > maxBytes)
        {
            Truncated = true;
            return;
        }

        _bytes += data.Length;
        Chunks.Add(new RawChunkEntry { OffsetMicros = Micros(at), Data = data.ToArray() });
    }

    /// <summary>A signal (response, client abort, upstream error or end, end, lost connection, shutdown) at <paramref name="at"/>.</summary>
    public void Signal(DateTimeOffset at) => SignalOffsetsMicros.Add(Micros(at));

    private long Micros(DateTimeOffset at) => (at - startedAt).Ticks / TimeSpan.TicksPerMicrosecond;
}
