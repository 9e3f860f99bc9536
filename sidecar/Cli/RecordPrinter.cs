using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>Human-readable views of execution records. Values are printed as <see cref="Text"/>, never as markup,
/// because they come from providers and clients.</summary>
internal static class RecordPrinter
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private const string None = "-";

    public const int MaxInlineBodyLines = 40;
    public const int MaxInlineBodyChars = 2000;

    /// <summary>Columns, padding and edges of <see cref="PrintTable"/> take this many characters besides the values.</summary>
    private const int TableOverhead = 14;

    /// <summary>The model column is never narrower than its header ("format"); a longer model or format is shortened with an ellipsis.</summary>
    private const int MinModelWidth = 6;

    /// <summary>
    /// Two lines per record so that everything fits the console's width (80 columns unless a terminal): the start
    /// date over its time, the status over its reason, the model over the wire format, the latency over the cost. No value wraps; the model
    /// and format, the only free text, get the width that is left and are shortened with an ellipsis beyond it.
    /// </summary>
    public static void PrintTable(IAnsiConsole console, IReadOnlyList<ExecutionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(records);
        var rows = records.Select(record => new
        {
            Record = record,
            Tokens = $"{FormatTokens(record.Usage?.Input)}/{FormatTokens(record.Usage?.Output)}",
            Ms = record.LatencyMs >= 10_000 ? Math.Round(record.LatencyMs.Value).ToString(CultureInfo.InvariantCulture) : FormatMs(record.LatencyMs),
            Cost = Money.Short(record.Cost?.Total),
        }).ToList();
        var statusWidth = rows.Select(r => Math.Max(Or(r.Record.Status).Length, Or(r.Record.Reason).Length)).Append("status".Length).Max();
        var tokensWidth = rows.Select(r => r.Tokens.Length).Append("tokens".Length).Max();
        var msWidth = rows.Select(r => Math.Max(r.Ms.Length, r.Cost.Length)).Append("cost".Length).Max();
        var modelWidth = Math.Max(MinModelWidth, console.Profile.Width - TableOverhead - 8 - 10 - statusWidth - tokensWidth - msWidth);

        var table = new Table().Border(TableBorder.Simple).ShowRowSeparators();
        table.AddColumn(Column("id").NoWrap());
        table.AddColumn(Column("started\nUTC").NoWrap());
        table.AddColumn(Column("status\nreason").NoWrap());
        table.AddColumn(Column("model\nformat").NoWrap());
        table.AddColumn(Column("tokens\nin/out").RightAligned().NoWrap());
        table.AddColumn(Column("ms\ncost").RightAligned().NoWrap());
        foreach (var row in rows)
        {
            var record = row.Record;
            table.AddRow(
                Cell(ShortId(record.Id)),
                Cell(FormatTime(record.StartedAt).Replace(' ', '\n')),
                Cell($"{Or(record.Status)}\n{Or(record.Reason)}"),
                Cell($"{Shorten(record.Model ?? None, modelWidth)}\n{Shorten(Or(record.Format), modelWidth)}"),
                Cell(row.Tokens),
                Cell($"{row.Ms}\n{row.Cost}"));
        }

        console.Write(table);
    }

    /// <summary>
    /// The width left for a table's one free-text column once the other columns (each its header and cells, every
    /// line of them) are laid out with Spectre's one space of padding on each side of every column; never below
    /// <paramref name="minimum"/>.
    /// </summary>
    public static int FreeWidth(IAnsiConsole console, int minimum, params IEnumerable<string>[] otherColumns)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(otherColumns);
        var taken = otherColumns.Sum(column => column.SelectMany(cell => cell.Split('\n')).Max(line => line.Length));
        return Math.Max(minimum, console.Profile.Width - 2 * (otherColumns.Length + 1) - taken);
    }

    /// <summary>The text, or its first <paramref name="width"/> - 1 characters and an ellipsis: never split over two lines.</summary>
    public static string Shorten(string text, int width)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= width ? text : text[..Math.Max(0, width - 1)] + "…";
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
        Row("cost", CostText.Describe(record));
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
    /// <summary>
    /// A table of groups: the group's name first, on one line in the width the other columns leave (shortened beyond
    /// it), then the figures right-aligned.
    /// </summary>
    public static void WriteGroups(IAnsiConsole console, string by, string[] headers, IReadOnlyList<(string Key, string[] Cells)> rows)
    {
        var keyWidth = FreeWidth(console, by.Length, [.. headers.Select((header, i) => rows.Select(r => r.Cells[i]).Append(header))]);
        var table = new Table().Border(TableBorder.Simple).AddColumn(Column(by).NoWrap());
        foreach (var header in headers)
        {
            table.AddColumn(Column(header).RightAligned());
        }

        foreach (var (key, cells) in rows)
        {
            table.AddRow([Cell(Shorten(key, keyWidth)), .. cells.Select(Cell)]);
        }

        console.Write(table);
    }

    public static TableColumn Column(string header) => new TableColumn(header).Padding(0, 0, 1, 0);

    public static Text Cell(string? value) => new(Or(value));

    public static string Or(string? value) => string.IsNullOrEmpty(value) ? None : value;

    public static string FormatTime(DateTime time) => time.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string FormatPreciseTime(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    public static string FormatMs(double? milliseconds) =>
        milliseconds is { } ms ? ms.ToString("0.#", CultureInfo.InvariantCulture) : None;

    public static string FormatCount(long? count) => count?.ToString(CultureInfo.InvariantCulture) ?? None;

    /// <summary>A token count in at most 5 characters: exact below 100,000, then 123k, 1.2M, 12.3M, 123M.</summary>
    public static string FormatTokens(long? tokens) => tokens switch
    {
        null => None,
        >= 100_000_000 => string.Create(CultureInfo.InvariantCulture, $"{tokens / 1_000_000.0:0}M"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{tokens / 1_000_000.0:0.#}M"),
        >= 100_000 => string.Create(CultureInfo.InvariantCulture, $"{tokens / 1_000.0:0}k"),
        _ => tokens.Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A latency for a narrow cell: milliseconds below 10 s ("950.5ms"), then seconds ("123.5s").</summary>
    public static string FormatLatency(double? milliseconds) => milliseconds switch
    {
        null => None,
        >= 10_000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000:0.#}s"),
        _ => FormatMs(milliseconds) + "ms",
    };

    private static string FormatNumber(int? number) => number?.ToString(CultureInfo.InvariantCulture) ?? None;

    private static string DescribeClient(ClientIdentity client) =>
        string.Create(CultureInfo.InvariantCulture, $"{client.Process ?? None} (pid {client.ProcessId}) on {client.Host ?? None}")
        + (client.Gateway is { } gateway ? $" via {gateway}" : "");

    private static string? DescribeUsage(UsageEntry? usage) => usage is null
        ? null
        : $"in {FormatCount(usage.Input)}, out {FormatCount(usage.Output)}, total {FormatCount(usage.Total)}, "
            + $"cached in {FormatCount(usage.CachedInput)}, cache write {FormatCount(usage.CacheWrite)}{(usage.CacheWrite1h is { } hour ? $" ({FormatCount(hour)} for 1h)" : "")}, "
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
