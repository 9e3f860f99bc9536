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
        string[] headers = ["count", "tokens\nin/out", "latency ms\np50/p95/p99", "TTFT ms\np50/p95/p99"];
        var rows = stats.Groups.Select(group => (group.Key, Cells: new[]
        {
            group.Count.ToString(CultureInfo.InvariantCulture),
            $"{RecordPrinter.FormatTokens(group.InputTokens)}/{RecordPrinter.FormatTokens(group.OutputTokens)}",
            Describe(group.LatencyMs),
            Describe(group.TtftMs),
        })).ToList();
        RecordPrinter.WriteGroups(console, stats.By, headers, rows);
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
