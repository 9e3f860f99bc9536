using Microsoft.Extensions.Options;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Pricing;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Executions;

/// <summary>Turns a decided execution into the record that is stored, printed and exported.</summary>
internal sealed class RecordFactory(IOptions<StoreOptions> options, TimeProvider time, PriceTable? prices = null)
{
    private readonly StoreOptions _options = options.Value;
    private readonly PriceTable _prices = prices ?? PriceTableLoader.Shipped;

    /// <summary>The price table records are costed with.</summary>
    public PriceTable Prices => _prices;

    /// <summary>A capture of raw chunks for an execution starting at <paramref name="startedAt"/>, when the options ask for one.</summary>
    public RawCapture? StartRawCapture(DateTimeOffset startedAt) =>
        _options.StoreRawChunks ? new RawCapture(startedAt, _options.MaxRawChunkBytes) : null;

    /// <summary>The whole record, its usage estimate included (replay, tests).</summary>
    public ExecutionRecord Create(ExecutionState state, OutcomeDecision decision, ClientIdentity client, RawCapture? raw = null)
    {
        var record = Create(state, decision, client, raw, out var estimate);
        if (estimate is not null)
        {
            Complete(record, estimate);
        }

        return record;
    }

    /// <summary>
    /// The record without the one costly part, an estimate of usage (up to 256 K characters to tokenize): when one is
    /// needed, <paramref name="estimate"/> holds it for <see cref="Complete"/>, which the record writer runs before
    /// the save, so that it never runs on a connection's read loop.
    /// </summary>
    public ExecutionRecord Create(ExecutionState state, OutcomeDecision decision, ClientIdentity client, RawCapture? raw, out UsageEstimate? estimate)
    {
        var start = state.Start;
        var agg = state.Aggregator;
        var usage = UsageResolver.ResolveUnlessEstimated(agg, agg?.ResponseModel ?? start.RequestedModel, out estimate);
        var record = new ExecutionRecord
        {
            Id = start.Id,
            RequestId = start.RequestId,
            Attempt = start.Attempt,
            Client = client,
            Route = start.Route,
            Provider = start.Provider,
            Format = state.Format,
            FormatInferred = !start.FormatDeclared,
            RequestedModel = start.RequestedModel,
            ResponseModel = agg?.ResponseModel,
            ResponseId = agg?.ResponseId,
            Model = agg?.ResponseModel ?? start.RequestedModel,
            Stream = start.Stream,
            UpstreamStatus = state.UpstreamStatus,
            ContentType = state.ContentType,
            Status = decision.Status,
            Reason = decision.Reason,
            Proof = decision.Proof,
            Rule = decision.Rule,
            Explanation = decision.Explanation,
            ErrorMessage = decision.ErrorMessage,
            Notes = usage?.Note is { } usageNote ? [.. decision.Notes, usageNote] : [.. decision.Notes],
            Signals = [.. state.Signals.Select(s => new SignalEntry
            {
                Kind = s.Kind,
                At = s.At.UtcDateTime,
                AfterBytes = s.AfterBytes,
                ErrorKind = s.ErrorKind,
                Message = s.Message,
            })],
            Usage = ToEntry(usage, drained: state.DecisionAtDrain is not null && !state.FinalUsageBeforeDrain && usage?.Source == UsageResolver.Final),
            FinishReason = agg?.FinishReason,
            NormalizedFinishReason = agg?.NormalizedFinishReason,
            StartedAt = start.StartedAt.UtcDateTime,
            FirstByteAt = state.FirstByteAt?.UtcDateTime,
            FirstTokenAt = agg?.FirstTokenAt?.UtcDateTime,
            EndedAt = state.EndedAt?.UtcDateTime,
            LatencyMs = Millis(start.StartedAt, state.EndedAt),
            TimeToFirstByteMs = Millis(start.StartedAt, state.FirstByteAt),
            TimeToFirstTokenMs = Millis(start.StartedAt, agg?.FirstTokenAt),
            ChunkCount = state.Chunks,
            ByteCount = state.Bytes,
            EventCount = agg?.EventCount ?? 0,
            RecordedAt = time.GetUtcNow().UtcDateTime,
            RequestPath = start.RequestPath,
            RawChunks = raw?.Chunks,
            RawSignalOffsetsMicros = raw?.SignalOffsetsMicros,
            RawChunksTruncated = raw?.Truncated ?? false,
            TraceParent = start.TraceParent,
            TraceState = start.TraceState,
        };

        if (agg is not null)
        {
            record.Response = agg.BuildResponse(_options.MaxResponseChars, out var truncated);
            record.ResponseTruncated = truncated;
        }

        if (_options.StoreRequestBodies && start.RequestBody is { Length: > 0 } body)
        {
            record.RequestBody = System.Text.Encoding.UTF8.GetString(body);
        }

        RecordCost.Apply(record, _prices);
        return record;
    }

    /// <summary>Tokenizes <paramref name="estimate"/> and gives <paramref name="record"/> its usage, the usage's note and the cost of that usage.</summary>
    public void Complete(ExecutionRecord record, UsageEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(record);
        var usage = UsageResolver.Resolve(estimate);

        // An estimate is never final usage, so never a drained stream's final usage either.
        record.Usage = ToEntry(usage, drained: false);
        if (usage.Note is { } note)
        {
            record.Notes.Add(note);
        }

        RecordCost.Apply(record, _prices);
    }

    private static UsageEntry? ToEntry(ResolvedUsage? resolved, bool drained) => resolved is not { Usage: var usage } ? null : new UsageEntry
    {
        Input = usage.Input,
        Output = usage.Output,
        Total = usage.Total,
        CachedInput = usage.CachedInput,
        CacheWrite = usage.CacheWrite,
        CacheWrite1h = usage.CacheWrite1h,
        Reasoning = usage.Reasoning,
        Source = resolved.Source,
        EstimatedWith = resolved.EstimatedWith,
        Drained = drained,
    };

    private static double? Millis(DateTimeOffset from, DateTimeOffset? to) =>
        to is { } end ? Math.Round(Math.Max(0, (end - from).TotalMilliseconds), 3) : null;
}
