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
        // "(not final)" on two lines leaves the group's name the width it has in the table above.
        string[] headers = ["cost", "per execution\np50/p95/p99", "priced\n(not\nfinal)", "no\nprice"];
        var rows = groups.Select(group => (group.Key, Cells: new[]
        {
            Money.Short(group.Spend!.Priced == 0 ? null : group.Spend.Total),
            group.Spend.P50 is null ? "-" : $"{Money.Short(group.Spend.P50)}/{Money.Short(group.Spend.P95)}/{Money.Short(group.Spend.P99)}",
            string.Create(CultureInfo.InvariantCulture, $"{group.Spend.Priced} ({group.Spend.NotFinal})"),
            group.Spend.Unpriced.ToString(CultureInfo.InvariantCulture),
        })).ToList();
        RecordPrinter.WriteGroups(console, stats.By, headers, rows);
    }
}
