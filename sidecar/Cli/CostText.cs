using Tap.Sidecar.Outcome;
using Tap.Sidecar.Pricing;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>The cost lines of <c>tap show</c>: the total and its source, then the parts and the price entry used.</summary>
internal static class CostText
{
    public static string? Describe(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Cost is not { } cost)
        {
            return record.Usage is null ? null : "- (no price: see the notes)";
        }

        var tier = cost.TierAboveInputTokens is { } above ? $", long-context prices above {RecordPrinter.FormatTokens(above)} prompt tokens" : "";
        var history = record.CostHistory is { Count: > 0 } revisions
            ? $"; repriced, was {(revisions[^1].Total is { } was ? Money.Exact(was) : "no price")} ({revisions[^1].TableVersion ?? "-"})"
            : "";
        return $"{Money.Exact(cost.Total)} {cost.Currency} ({cost.Source}{(cost.Source is UsageResolver.Provisional or UsageResolver.Estimated ? ", a lower bound" : "")}): "
            + $"input {Part(cost.Input)}, cached in {Part(cost.CachedInput)}, cache write {Part(cost.CacheWrite)}, "
            + $"output {Part(cost.Output)}, reasoning {Part(cost.Reasoning)}; "
            + $"priced as {cost.Entry} ({cost.EntryOrigin ?? PriceTable.Shipped}), table {cost.TableVersion}{tier}{history}";
    }

    private static string Part(decimal? amount) => amount is { } value ? Money.Exact(value) : "-";
}
