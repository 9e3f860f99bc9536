using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Telemetry.Metrics;

/// <summary>
/// The sidecar's instruments (docs/telemetry.md, "Metrics"). Executions, tokens, durations and losses are counted from
/// what each commit put in the database (<see cref="ICommitObserver"/>), so the counts agree with <c>tap stats</c>;
/// health is read when a reader collects. Without an exporter no listener is subscribed and a commit costs a few
/// <see cref="Instrument.Enabled"/> checks.
/// </summary>
internal sealed class SidecarMetrics : ICommitObserver
{
    public const string MeterName = "Tap.Sidecar";

    // The conventions' ExplicitBucketBoundaries for gen_ai.client.token.usage and for its durations.
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] SecondsBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    // A commit is an fsync: sub-millisecond on a fast disk, seconds on a stalled one.
    private static readonly double[] CommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _executions;
    private readonly Counter<long> _replaced;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstChunk;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<long> _tokenUsage;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _lost;
    private readonly Histogram<double> _commit;

    private readonly LabelValues _providers = new(32);
    private readonly LabelValues _requestModels = new(100);
    private readonly LabelValues _responseModels = new(100);
    private readonly LabelValues _gateways = new(64);

    public SidecarMetrics(IMeterFactory meterFactory, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(services);
        var meter = meterFactory.Create(new MeterOptions(MeterName)
        {
            Version = typeof(SidecarMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            TelemetrySchemaUrl = GenAiNames.SchemaUrl,
        });

        _executions = meter.CreateCounter<long>("tap.executions", "{execution}", "Executions recorded, by outcome.");
        _replaced = meter.CreateCounter<long>("tap.executions.replaced", "{execution}",
            "Recorded executions replaced by a later report with more evidence, by the replaced outcome (docs/reliability.md).");
        _duration = meter.CreateHistogram("gen_ai.client.operation.duration", "s", "GenAI operation duration.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _timeToFirstChunk = meter.CreateHistogram("gen_ai.client.operation.time_to_first_chunk", "s",
            "Time from the request to the first chunk of a streamed response.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _timeToFirstToken = meter.CreateHistogram("tap.client.operation.time_to_first_token", "s",
            "Time from the request to the first generated token of a streamed response.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _tokenUsage = meter.CreateHistogram("gen_ai.client.token.usage", "{token}", "Number of input and output tokens used.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _tokens = meter.CreateCounter<long>("tap.usage.tokens", "{token}", "Tokens recorded, by type, cache and reasoning counts included.");
        _lost = meter.CreateCounter<long>("tap.shim.lost_executions", "{execution}", "Executions a shim dropped whole and reported, never recorded.");
        _commit = meter.CreateHistogram("tap.store.commit.duration", "s", "Time to commit one batch of records to the database, on disk.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });

        // Resolved at the first collection, not here: the writer is built with this observer.
        var writer = new Lazy<RecordWriter>(services.GetRequiredService<RecordWriter>);
        var listener = new Lazy<PipeListener?>(() => services.GetServices<IHostedService>().OfType<PipeListener>().FirstOrDefault());
        meter.CreateObservableUpDownCounter("tap.store.queue.depth", () => writer.Value.Queued, "{record}", "Records and loss reports queued for the writer, not yet committed.");
        meter.CreateObservableCounter("tap.store.write.failures", () => writer.Value.FailedAttempts, "{attempt}", "Commits (and other writes) that failed and are retried.");
        meter.CreateObservableUpDownCounter("tap.ingest.connections", () => listener.Value?.OpenConnections ?? 0, "{connection}", "Shim connections open.");
    }

    public void Committed(SavedBatch batch, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _commit.Record(took.TotalSeconds);
        foreach (var record in batch.Written)
        {
            Count(record);
        }

        foreach (var replaced in batch.Replaced)
        {
            var tags = new TagList { { "tap.status", replaced.Status }, { "tap.reason", replaced.Reason } };
            AddIfKnown(ref tags, "tap.gateway", _gateways.Bound(replaced.Client.Gateway));
            _replaced.Add(1, tags);
        }

        foreach (var loss in batch.NewLosses)
        {
            var tags = new TagList { { "tap.loss.reason", loss.Reason } };
            AddIfKnown(ref tags, "tap.gateway", _gateways.Bound(loss.Gateway));
            _lost.Add(loss.Executions, tags);
        }
    }

    private void Count(ExecutionRecord record)
    {
        if (!_executions.Enabled && !_duration.Enabled && !_tokenUsage.Enabled && !_tokens.Enabled && !_timeToFirstChunk.Enabled && !_timeToFirstToken.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { GenAiNames.OperationName, GenAiNames.Operation(record.Format) },
            { GenAiNames.ProviderName, GenAiNames.Provider(record.Format) },
        };
        AddIfKnown(ref tags, GenAiNames.RequestModel, _requestModels.Bound(record.RequestedModel));
        AddIfKnown(ref tags, GenAiNames.ResponseModel, _responseModels.Bound(record.ResponseModel));
        AddIfKnown(ref tags, "tap.provider", _providers.Bound(record.Provider));
        AddIfKnown(ref tags, "tap.gateway", _gateways.Bound(record.Client.Gateway));

        var outcome = tags;
        outcome.Add("tap.status", record.Status);
        outcome.Add("tap.reason", record.Reason);
        _executions.Add(1, outcome);

        if (record.LatencyMs is { } latency)
        {
            var duration = tags;
            duration.Add("tap.status", record.Status);
            if (record.Status != ExecutionStatus.Completed)
            {
                duration.Add(GenAiNames.ErrorType, record.Reason);
            }

            _duration.Record(latency / 1000, duration);
        }

        if (record.Stream && record.TimeToFirstByteMs is { } firstChunk)
        {
            _timeToFirstChunk.Record(firstChunk / 1000, tags);
        }

        if (record.Stream && record.TimeToFirstTokenMs is { } firstToken)
        {
            _timeToFirstToken.Record(firstToken / 1000, tags);
        }

        if (record.Usage is { } usage)
        {
            CountTokens(tags, usage);
        }
    }

    private void CountTokens(TagList tags, UsageEntry usage)
    {
        tags.Add("tap.usage.source", usage.Source);
        Tokens(tags, "input", usage.Input, histogram: true);
        Tokens(tags, "output", usage.Output, histogram: true);
        Tokens(tags, "cache_read", usage.CachedInput, histogram: false);
        Tokens(tags, "cache_creation", usage.CacheWrite, histogram: false);
        Tokens(tags, "reasoning", usage.Reasoning, histogram: false);
    }

    // The conventions define input and output only; the cache and reasoning counts (already included in those two) go to
    // Tap's counter alone, and only when not zero: most records have none, and adding 0 changes no total.
    private void Tokens(TagList tags, string type, long? count, bool histogram)
    {
        if (count is not { } tokens || (tokens == 0 && !histogram))
        {
            return;
        }

        tags.Add(GenAiNames.TokenType, type);
        _tokens.Add(tokens, tags);
        if (histogram)
        {
            _tokenUsage.Record(tokens, tags);
        }
    }

    private static void AddIfKnown(ref TagList tags, string key, string? value)
    {
        if (value is not null)
        {
            tags.Add(key, value);
        }
    }
}
