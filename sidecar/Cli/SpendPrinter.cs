using System.Globalization;
using Spectre.Console;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>
/// The spend part of <c>tap stats</c>: per group, the total cost, the cost per execution (p50/p95/p99) and how many
/// executions had no price. A second table, so that each fits 80 columns.
/// </summary>
internal static class SpendPrinter
{
    public static void Print(IAnsiConsole console, RecordStats stats)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(stats);
        var groups = stats.Groups.Where(g => g.Spend is not null).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        var total = groups.Sum(g => g.Spend!.Total);
        var unpriced = groups.Sum(g => g.Spend!.Unpriced);
        var currency = groups.Select(g => g.Spend!.Currency).FirstOrDefault() ?? "USD";
        var headline = string.Create(CultureInfo.InvariantCulture, $"spend {Money.Exact(total)} {currency}")
            + (unpriced > 0 ? string.Create(CultureInfo.InvariantCulture, $", {unpriced} executions without a price not counted") : "");
        console.Write(new Rule(headline).LeftJustified());
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(RecordPrinter.Column(stats.By))
            .AddColumn(RecordPrinter.Column("cost").RightAligned())
            .AddColumn(RecordPrinter.Column("per execution\np50/p95/p99").RightAligned())
            .AddColumn(RecordPrinter.Column("priced\n(not final)").RightAligned())
            .AddColumn(RecordPrinter.Column("no\nprice").RightAligned());
        foreach (var group in groups)
        {
            var spend = group.Spend!;
            table.AddRow(
                RecordPrinter.Cell(group.Key),
                RecordPrinter.Cell(Money.Short(spend.Priced == 0 ? null : spend.Total)),
                RecordPrinter.Cell(spend.P50 is null ? "-" : $"{Money.Short(spend.P50)}/{Money.Short(spend.P95)}/{Money.Short(spend.P99)}"),
                RecordPrinter.Cell(string.Create(CultureInfo.InvariantCulture, $"{spend.Priced} ({spend.NotFinal})")),
                RecordPrinter.Cell(spend.Unpriced.ToString(CultureInfo.InvariantCulture)));
        }

        console.Write(table);
    }
}
