namespace Tap.Shim.Core;

/// <summary>One execution's frames, kept from its Start until the sidecar acknowledges its record.</summary>
internal sealed class LedgerEntry(TapExecution owner)
{
    public TapExecution Owner { get; } = owner;

    public List<OutboundFrame> Frames { get; } = [];

    public LinkedListNode<LedgerEntry>? Node { get; set; }

    /// <summary>Frames written at least once, on any connection.</summary>
    public int EverWritten { get; set; }

    /// <summary>The connection this entry's frames last went out on.</summary>
    public long WrittenEpoch { get; set; } = -1;

    public bool EndWritten { get; set; }
}
