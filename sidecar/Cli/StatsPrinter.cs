using System.Globalization;
using Spectre.Console;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap stats</c> for a person: one row per group within 80 columns, then the top failure reasons.</summary>
internal static class StatsPrinter
{
    public static void Print(IAnsiConsole console, RecordStats stats)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(stats);
        var window = (stats.Since, stats.Until) switch
        {
            (null, null) => "all recorded",
            ({ } since, null) => $"since {RecordPrinter.FormatTime(since)} UTC",
            (null, { } until) => $"before {RecordPrinter.FormatTime(until)} UTC",
            ({ } since, { } until) => $"from {RecordPrinter.FormatTime(since)} to {RecordPrinter.FormatTime(until)} UTC",
        };
        console.Write(new Text(string.Create(CultureInfo.InvariantCulture, $"{stats.Count} executions, {window}, by {stats.By}\n")));
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(RecordPrinter.Column(stats.By))
            .AddColumn(RecordPrinter.Column("count").RightAligned())
            .AddColumn(RecordPrinter.Column("tokens\nin/out").RightAligned())
            .AddColumn(RecordPrinter.Column("latency ms\np50/p95/p99").RightAligned())
            .AddColumn(RecordPrinter.Column("TTFT ms\np50/p95/p99").RightAligned());
        foreach (var group in stats.Groups)
        {
            table.AddRow(
                RecordPrinter.Cell(group.Key),
                RecordPrinter.Cell(group.Count.ToString(CultureInfo.InvariantCulture)),
                RecordPrinter.Cell($"{RecordPrinter.FormatTokens(group.InputTokens)}/{RecordPrinter.FormatTokens(group.OutputTokens)}"),
                RecordPrinter.Cell(Describe(group.LatencyMs)),
                RecordPrinter.Cell(Describe(group.TtftMs)));
        }

        console.Write(table);
        SpendPrinter.Print(console, stats);
        if (stats.ExecutionsLostByShims > 0)
        {
            console.Write(new Text(LossText.Headline(stats.ExecutionsLostByShims) + "\n"));
            foreach (var loss in stats.Losses)
            {
                console.Write(new Text(string.Create(CultureInfo.InvariantCulture, $"{loss.Count,8}  {loss.Gateway}  {LossText.Reason(loss.Reason)}\n")));
            }
        }

        if (stats.TopFailureReasons.Count > 0)
        {
            console.Write(new Rule("top failure reasons").LeftJustified());
            foreach (var reason in stats.TopFailureReasons)
            {
                console.Write(new Text(string.Create(CultureInfo.InvariantCulture, $"{reason.Count,8}  {reason.Status} ({reason.Reason})\n")));
            }
        }
    }

    // Whole milliseconds: three percentiles must share one narrow cell.
    private static string Describe(Percentiles? percentiles) => percentiles is null
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{percentiles.P50:0}/{percentiles.P95:0}/{percentiles.P99:0}");
}
