using Tap.Sidecar.Records;

namespace Tap.Sidecar.Control;

/// <summary>The one answer to a <see cref="ControlRequest"/>: an error, or the fields its command fills.</summary>
internal sealed class ControlResponse
{
    public ControlError? Error { get; set; }

    /// <summary>list.</summary>
    public IReadOnlyList<ExecutionRecord>? Records { get; set; }

    /// <summary>show: null with no error when nothing matches.</summary>
    public ExecutionRecord? Record { get; set; }

    /// <summary>show: the other attempts of the request.</summary>
    public IReadOnlyList<ExecutionRecord>? Attempts { get; set; }

    public RecordStats? Stats { get; set; }

    /// <summary>shim_losses: by gateway and reason.</summary>
    public IReadOnlyList<LossCount>? Losses { get; set; }

    /// <summary>reprice.</summary>
    public Pricing.RepriceResult? Reprice { get; set; }

    /// <summary>side_collections.</summary>
    public IReadOnlyList<string>? Collections { get; set; }

    /// <summary>side_documents: each in the store's own JSON.</summary>
    public IReadOnlyList<string>? Documents { get; set; }

    /// <summary>count, purge.</summary>
    public long? Count { get; set; }
}

internal sealed class ControlError
{
    /// <summary>bad_request, ambiguous_id, response_too_large, internal_error.</summary>
    public string Code { get; set; } = "";
    public string Message { get; set; } = "";

    /// <summary>ambiguous_id: the ids the prefix matches.</summary>
    public IReadOnlyList<Guid>? Matches { get; set; }
}
