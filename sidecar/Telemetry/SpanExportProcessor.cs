using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Tap.Sidecar.Telemetry;

/// <summary>
/// Holds the official OTLP exporter inside the tracer provider (which gives it the resource: <c>service.name</c> and
/// the rest) and hands it whole batches: unlike the SDK's batch processor, which drops what fails, the caller learns
/// each batch's result and moves its cursor only on success.
/// </summary>
internal sealed class SpanExportProcessor(OtlpSettings settings) : BaseExportProcessor<Activity>(new OtlpTraceExporter(settings.ToExporterOptions()))
{
    public OtlpSettings Settings { get; } = settings;

    public ExportResult Export(Activity[] spans, int count) => exporter.Export(new Batch<Activity>(spans, count));

    // Spans reach the exporter only through Export: the ones the source starts and stops are already exported or to be.
    protected override void OnExport(Activity data)
    {
    }
}
