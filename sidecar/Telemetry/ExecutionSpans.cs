using System.Diagnostics;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Telemetry;

/// <summary>
/// Turns a committed record into its span: the execution's own start and end times, a child of the gateway's span when
/// the shim forwarded a valid traceparent, else a root span whose trace id is the execution id (so a trace can be found
/// from <c>tap show</c>).
/// </summary>
internal sealed class ExecutionSpans : IDisposable
{
    public const string SourceName = "Tap.Sidecar";

    private readonly ActivitySource _source = new(new ActivitySourceOptions(SourceName)
    {
        Version = typeof(ExecutionSpans).Assembly.GetName().Version?.ToString(3),
        TelemetrySchemaUrl = GenAiNames.SchemaUrl,
    });

    /// <summary>The span of <paramref name="record"/>, stopped; null when no tracer provider listens to <see cref="SourceName"/>.</summary>
    public Activity? Create(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var model = record.RequestedModel ?? record.ResponseModel;
        var operation = GenAiNames.Operation(record.Format);
        var name = model is null ? operation : operation + " " + model;
        var activity = _source.CreateActivity(name, ActivityKind.Client, Parent(record), idFormat: ActivityIdFormat.W3C);
        if (activity is null)
        {
            return null;
        }

        foreach (var (key, value) in SpanAttributes.Table)
        {
            if (value(record) is { } tag)
            {
                activity.SetTag(key, tag);
            }
        }

        if (record.Status == ExecutionStatus.Failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, record.ErrorMessage ?? record.Explanation);
        }

        var started = AsStored(record.StartedAt);
        var ended = AsStored(record.EndedAt ?? record.RecordedAt);
        activity.SetStartTime(started);

        // Start gives the span its id; Stop would set the end to now when the duration is still zero, so the
        // execution's own end is set after it. No ambient activity may become the parent of a root span.
        var previous = Activity.Current;
        Activity.Current = null;
        activity.Start();
        activity.Stop();
        Activity.Current = previous;
        activity.SetEndTime(ended < started ? started : ended);
        return activity;
    }

    // The database keeps milliseconds: a span made from a record just committed is the one made from it read back.
    private static DateTime AsStored(DateTime time) =>
        new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    private static ActivityContext Parent(ExecutionRecord record)
    {
        if (record.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, record.TraceState, isRemote: true, out var parent))
        {
            return parent;
        }

        // No parent span: a root span in a trace named by the execution id (UUIDv7 bytes are never all zero).
        Span<byte> id = stackalloc byte[16];
        record.Id.TryWriteBytes(id, bigEndian: true, out _);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(id), default, ActivityTraceFlags.Recorded);
    }

    public void Dispose() => _source.Dispose();
}
