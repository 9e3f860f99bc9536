namespace Tap.Benchmarks.Gateway;

/// <summary>What the clients saw during one or more rounds against one gateway.</summary>
internal sealed class RoundResult
{
    public long Requests { get; set; }

    public long Errors { get; set; }

    public long Bytes { get; set; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>CPU the gateway process used during the rounds.</summary>
    public TimeSpan GatewayCpu { get; set; }

    /// <summary>Bytes the gateway process allocated during the rounds (its in-flight requests' tail included).</summary>
    public long GatewayAllocatedBytes { get; set; }

    /// <summary>How long the gateway's collections paused it during the rounds.</summary>
    public TimeSpan GatewayGcPause { get; set; }

    /// <summary>CPU the sidecar used for the rounds, until it had recorded them.</summary>
    public TimeSpan SidecarCpu { get; set; }

    public LatencySamples FirstByteMs { get; } = new();

    public LatencySamples TotalMs { get; } = new();

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public double BytesPerSecond => Bytes / Elapsed.TotalSeconds;

    public void Add(RoundResult other)
    {
        Requests += other.Requests;
        Errors += other.Errors;
        Bytes += other.Bytes;
        Elapsed += other.Elapsed;
        GatewayCpu += other.GatewayCpu;
        GatewayAllocatedBytes += other.GatewayAllocatedBytes;
        GatewayGcPause += other.GatewayGcPause;
        SidecarCpu += other.SidecarCpu;
        FirstByteMs.AddRange(other.FirstByteMs);
        TotalMs.AddRange(other.TotalMs);
    }
}
