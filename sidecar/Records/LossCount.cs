namespace Tap.Sidecar.Records;

/// <summary>Served executions that were never recorded, for one gateway and one reason.</summary>
internal sealed class LossCount
{
    /// <summary>The gateway name the shim reported; "-" when it sent none.</summary>
    public string Gateway { get; set; } = "";

    /// <summary>memory_cap, spool_full, spool_corrupt, or handshake (a count from a shim that predates Loss reports).</summary>
    public string Reason { get; set; } = "";
    public long Count { get; set; }
}
