namespace Tap.Sidecar.Pricing;

/// <summary>What <c>tap reprice</c> did: the executions it looked at, those whose cost changed, and the table it used.</summary>
internal sealed class RepriceResult
{
    public long Matched { get; set; }
    public long Changed { get; set; }
    public string TableVersion { get; set; } = "";
    public bool DryRun { get; set; }
}
