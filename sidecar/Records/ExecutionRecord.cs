using System.Text.Json.Serialization;

namespace Tap.Sidecar.Records;

/// <summary>
/// One execution as stored in LiteDB and printed by the CLI. Dates are UTC. Authorization headers and API
/// keys never reach this type: the wire protocol does not carry headers.
/// </summary>
internal sealed class ExecutionRecord
{
    public Guid Id { get; set; }
    public string? RequestId { get; set; }
    public int Attempt { get; set; }
    public ClientIdentity Client { get; set; } = new();
    public string? Route { get; set; }
    public string? Provider { get; set; }
    public string Format { get; set; } = "unknown";

    /// <summary>The shim did not say; the format was inferred from the request path or content type.</summary>
    public bool FormatInferred { get; set; }
    public string? RequestedModel { get; set; }
    public string? ResponseModel { get; set; }

    /// <summary>The provider's id of the response, when it gave one.</summary>
    public string? ResponseId { get; set; }

    /// <summary>The model to filter and group on: the response model, else the requested one.</summary>
    public string? Model { get; set; }
    public bool Stream { get; set; }
    public int? UpstreamStatus { get; set; }
    public string? ContentType { get; set; }

    public string Status { get; set; } = "";
    public string Reason { get; set; } = "";
    public string Proof { get; set; } = "none";
    public int Rule { get; set; }
    public string Explanation { get; set; } = "";
    public string? ErrorMessage { get; set; }
    public List<SignalEntry> Signals { get; set; } = [];
    public List<string> Notes { get; set; } = [];

    public UsageEntry? Usage { get; set; }

    /// <summary>What the usage cost by the price table; null without usage or without a price (never 0: docs/cost.md).</summary>
    public Pricing.CostEntry? Cost { get; set; }

    /// <summary>Costs that <c>tap reprice</c> replaced, oldest first; null until one is.</summary>
    public List<Pricing.CostRevision>? CostHistory { get; set; }

    /// <summary>In the provider's own words.</summary>
    public string? FinishReason { get; set; }

    /// <summary>One of stop, length, tool_calls, content_filter, refusal, pause, error, other.</summary>
    public string? NormalizedFinishReason { get; set; }

    public DateTime StartedAt { get; set; }
    public DateTime? FirstByteAt { get; set; }
    public DateTime? FirstTokenAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public double? LatencyMs { get; set; }
    public double? TimeToFirstByteMs { get; set; }
    public double? TimeToFirstTokenMs { get; set; }
    public long ChunkCount { get; set; }
    public long ByteCount { get; set; }
    public long EventCount { get; set; }

    public string? Response { get; set; }
    public bool ResponseTruncated { get; set; }
    public string? RequestBody { get; set; }

    /// <summary>The request path the shim reported (for format inference when replayed).</summary>
    public string? RequestPath { get; set; }

    /// <summary>Null unless Tap:Store:StoreRawChunks is on.</summary>
    public List<RawChunkEntry>? RawChunks { get; set; }

    /// <summary>With <see cref="RawChunks"/>: each signal's time in microseconds from the start, for an exact replay.</summary>
    public List<long>? RawSignalOffsetsMicros { get; set; }
    public bool RawChunksTruncated { get; set; }
    public DateTime RecordedAt { get; set; }

    /// <summary>The request's W3C traceparent and tracestate as the shim forwarded them (docs/telemetry.md).</summary>
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }

    /// <summary>
    /// The order of commits: set by the store when it saves a new or replacing report, one more than any before it (0 for records
    /// saved before the field existed). Span export and tap tail page by it (docs/telemetry.md). The store's bookkeeping,
    /// carried by the control protocol for tail's cursor but not part of the record the CLI prints: a compacted file
    /// numbers its records anew.
    /// </summary>
    public long Commit { get; set; }
}

internal sealed class ClientIdentity
{
    public string? Process { get; set; }
    public int ProcessId { get; set; }
    public string? Host { get; set; }
    public string? Gateway { get; set; }
}

/// <summary>A lifecycle signal as the shim reported it.</summary>
internal sealed class SignalEntry
{
    /// <summary>One of <see cref="Tap.Sidecar.Outcome.ObservedSignal"/>'s kinds: <c>response</c>, <c>client_aborted</c>, <c>upstream_error</c>, <c>upstream_end</c>, <c>end</c>, <c>drain_started</c>, <c>drain_skipped</c>, <c>connection_lost</c>, <c>shutdown</c>, <c>shim_dropped</c>.</summary>
    public string Kind { get; set; } = "";
    public DateTime At { get; set; }

    /// <summary>Upstream bytes received before the signal.</summary>
    public long AfterBytes { get; set; }
    public string? ErrorKind { get; set; }
    public string? Message { get; set; }
}

internal sealed class UsageEntry
{
    public long? Input { get; set; }
    public long? Output { get; set; }
    public long? Total { get; set; }
    public long? CachedInput { get; set; }
    public long? CacheWrite { get; set; }

    /// <summary>Of <see cref="CacheWrite"/>, the 1-hour cache writes; null when the provider did not split them.</summary>
    [JsonPropertyName("cache_write_1h")]
    public long? CacheWrite1h { get; set; }
    public long? Reasoning { get; set; }

    /// <summary>
    /// <c>final</c>: the protocol's final usage. <c>provisional</c>: the last running count the provider sent.
    /// <c>estimated</c>: output counted from the generated text with <see cref="EstimatedWith"/>.
    /// </summary>
    public string Source { get; set; } = "final";

    /// <summary>The usage arrived while the shim drained the upstream after the client left.</summary>
    public bool Drained { get; set; }

    /// <summary>The tokenizer behind an estimate; "~" marks an approximation of the model's own.</summary>
    public string? EstimatedWith { get; set; }
}
