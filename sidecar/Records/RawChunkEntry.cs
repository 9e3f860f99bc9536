namespace Tap.Sidecar.Records;

/// <summary>One chunk as the shim reported it. The time is kept in microseconds from the start: LiteDB dates hold milliseconds.</summary>
internal sealed class RawChunkEntry
{
    public long OffsetMicros { get; set; }
    public byte[] Data { get; set; } = [];
}
