using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary>Human-readable views of execution records. Values are printed as <see cref="Text"/>, never as markup,
/// because they come from providers and clients.</summary>
internal static class RecordPrinter
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private const string None = "-";

    public const int MaxInlineBodyLines = 40;
    public const int MaxInlineBodyChars = 2000;

    /// <summary>
    /// Two lines per record so that everything fits 80 columns: the start date over its time, the status over
    /// its reason, the model over the wire format. Values longer than their cell wrap inside it.
    /// </summary>
    public static void PrintTable(IAnsiConsole console, IReadOnlyList<ExecutionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(records);
        var table = new Table().Border(TableBorder.Simple).ShowRowSeparators();
        table.AddColumn(Column("id").NoWrap());
        table.AddColumn(Column("started UTC").NoWrap());
        table.AddColumn(Column("status\nreason"));
        table.AddColumn(Column("model\nformat"));
        table.AddColumn(Column("tokens\nin/out").RightAligned());
        table.AddColumn(Column("ms").RightAligned());
        foreach (var record in records)
        {
            table.AddRow(
                Cell(ShortId(record.Id)),
                Cell(FormatTime(record.StartedAt).Replace(' ', '\n')),
                Cell($"{Or(record.Status)}\n{Or(record.Reason)}"),
                Cell($"{record.Model ?? None}\n{Or(record.Format)}"),
                Cell($"{FormatCount(record.Usage?.Input)}/{FormatCount(record.Usage?.Output)}"),
                Cell(FormatMs(record.LatencyMs)));
        }

        console.Write(table);
    }

    /// <summary>One record as JSON, or in full for a person.</summary>
    public static void Print(TextWriter output, ExecutionRecord record, bool json)
    {
        if (json)
        {
            RecordJson.Write(output, record);
        }
        else
        {
            PrintDetail(TapConsole.Create(output), record);
        }
    }

    /// <summary>
    /// The whole record, then its aggregated response (indented when it is JSON). Unless <paramref name="fullBody"/>,
    /// a response longer than <see cref="MaxInlineBodyLines"/> lines or <see cref="MaxInlineBodyChars"/> characters is
    /// replaced by its size: the decision trace stays on one screen.
    /// </summary>
    public static void PrintDetail(IAnsiConsole console, ExecutionRecord record, bool fullBody = true)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(record);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string label, string? value) => grid.AddRow(new Text(label), Cell(value));

        Row("id", record.Id.ToString("D"));
        Row("request", $"{record.RequestId ?? None} (attempt {record.Attempt.ToString(CultureInfo.InvariantCulture)})");
        Row("client", DescribeClient(record.Client));
        Row("route", $"{record.Route ?? None} -> {record.Provider ?? None}");
        Row("format", record.Format);
        Row("model", $"{record.Model ?? None} (requested {record.RequestedModel ?? None}, responded {record.ResponseModel ?? None})");
        Row("stream", record.Stream ? "yes" : "no");
        Row("upstream", $"{FormatNumber(record.UpstreamStatus)} {record.ContentType}".TrimEnd());
        Row("STATUS", $"{record.Status.ToUpperInvariant()} ({record.Reason})");
        Row("rule", $"{record.Rule.ToString(CultureInfo.InvariantCulture)}, proof {record.Proof}");
        Row("explanation", record.Explanation);
        Row("error", record.ErrorMessage);
        Row("finish reason", record.FinishReason);
        Row("usage", DescribeUsage(record.Usage));
        Row("started", FormatPreciseTime(record.StartedAt));
        Row("ended", record.EndedAt is { } ended ? FormatPreciseTime(ended) : null);
        Row("timings", $"latency {FormatMs(record.LatencyMs)} ms, TTFB {FormatMs(record.TimeToFirstByteMs)} ms, TTFT {FormatMs(record.TimeToFirstTokenMs)} ms");
        Row("counts", string.Create(CultureInfo.InvariantCulture, $"{record.ChunkCount} chunks, {record.EventCount} events, {record.ByteCount} bytes"));
        Row("recorded", FormatPreciseTime(record.RecordedAt));
        console.Write(grid);

        if (record.Signals.Count > 0)
        {
            console.Write(new Rule("signals").LeftJustified());
            var signals = new Table().Border(TableBorder.Simple)
                .AddColumn(new TableColumn("at (ms)").RightAligned())
                .AddColumn(new TableColumn("after bytes").RightAligned())
                .AddColumn("kind")
                .AddColumn("error")
                .AddColumn("message");
            foreach (var signal in record.Signals)
            {
                signals.AddRow(
                    Cell("+" + FormatMs((signal.At - record.StartedAt).TotalMilliseconds)),
                    Cell(signal.AfterBytes.ToString(CultureInfo.InvariantCulture)),
                    Cell(signal.Kind),
                    Cell(signal.ErrorKind),
                    Cell(signal.Message));
            }

            console.Write(signals);
        }

        if (record.Notes.Count > 0)
        {
            console.Write(new Rule("notes").LeftJustified());
            foreach (var note in record.Notes)
            {
                console.Write(new Text("- " + note + "\n"));
            }
        }

        console.Write(new Rule(record.ResponseTruncated ? "response (truncated)" : "response").LeftJustified());
        var body = record.Response is null ? "(none)" : Pretty(record.Response);
        if (!fullBody && (body.Length > MaxInlineBodyChars || body.Count(c => c == '\n') >= MaxInlineBodyLines))
        {
            body = string.Create(CultureInfo.InvariantCulture, $"({record.Response!.Length} characters: add --body to print it)");
        }

        console.Write(new Text(body + "\n"));
    }

    /// <summary>
    /// The last 8 hex digits of the id: what <c>tap list</c> shows and <c>tap show</c> accepts. Not the first: the
    /// shim's ids are UUIDv7, whose first digits are the same millisecond timestamp for a minute of executions.
    /// </summary>
    public static string ShortId(Guid id) => id.ToString("N")[^8..];

    // One space between columns instead of Spectre's two: the width goes to the values.
    public static TableColumn Column(string header) => new TableColumn(header).Padding(0, 0, 1, 0);

    public static Text Cell(string? value) => new(Or(value));

    public static string Or(string? value) => string.IsNullOrEmpty(value) ? None : value;

    public static string FormatTime(DateTime time) => time.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string FormatPreciseTime(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    public static string FormatMs(double? milliseconds) =>
        milliseconds is { } ms ? ms.ToString("0.#", CultureInfo.InvariantCulture) : None;

    public static string FormatCount(long? count) => count?.ToString(CultureInfo.InvariantCulture) ?? None;

    private static string FormatNumber(int? number) => number?.ToString(CultureInfo.InvariantCulture) ?? None;

    private static string DescribeClient(ClientIdentity client) =>
        string.Create(CultureInfo.InvariantCulture, $"{client.Process ?? None} (pid {client.ProcessId}) on {client.Host ?? None}")
        + (client.Gateway is { } gateway ? $" via {gateway}" : "");

    private static string? DescribeUsage(UsageEntry? usage) => usage is null
        ? null
        : $"in {FormatCount(usage.Input)}, out {FormatCount(usage.Output)}, total {FormatCount(usage.Total)}, "
            + $"cached in {FormatCount(usage.CachedInput)}, cache write {FormatCount(usage.CacheWrite)}, "
            + $"reasoning {FormatCount(usage.Reasoning)} ({usage.Source}{(usage.EstimatedWith is { } method ? ", " + method : "")}{(usage.Drained ? ", drained after the client left" : "")})";

    private static string Pretty(string response)
    {
        try
        {
            using var document = JsonDocument.Parse(response);
            return JsonSerializer.Serialize(document.RootElement, IndentedJson);
        }
        catch (JsonException)
        {
            return response;
        }
    }

    // Printed to a terminal, never embedded in HTML: keep non-ASCII text readable.
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
