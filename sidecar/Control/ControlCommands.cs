namespace Tap.Sidecar.Control;

/// <summary>The commands of the control protocol (docs/operations.md).</summary>
internal static class ControlCommands
{
    public const string List = "list";
    public const string Show = "show";
    public const string Stats = "stats";
    public const string Count = "count";
    public const string ShimLosses = "shim_losses";
    public const string SideCollections = "side_collections";
    public const string SideDocuments = "side_documents";
    public const string Purge = "purge";
    public const string Reprice = "reprice";
}
