using Tap.Sidecar.Records;

namespace Tap.Sidecar.Control;

/// <summary>One request on the control endpoint; which fields matter depends on <see cref="Command"/>.</summary>
internal sealed class ControlRequest
{
    /// <summary>One of <see cref="ControlCommands"/>.</summary>
    public string Command { get; set; } = "";

    /// <summary>list, count, stats: the filter.</summary>
    public RecordQuery? Query { get; set; }

    /// <summary>show: the id or prefix.</summary>
    public string? Id { get; set; }

    /// <summary>stats: the grouping.</summary>
    public string? By { get; set; }

    /// <summary>purge: delete executions started before this time.</summary>
    public DateTime? Before { get; set; }

    /// <summary>side_documents: the collection.</summary>
    public string? Collection { get; set; }

    /// <summary>side_documents: the id (as the store's JSON) the page starts after; null from the first.</summary>
    public string? After { get; set; }

    /// <summary>side_documents: at most this many (1 to <see cref="IRecordSource.MaxSideDocuments"/>).</summary>
    public int? Limit { get; set; }

    /// <summary>purge, reprice: only count.</summary>
    public bool DryRun { get; set; }
}
