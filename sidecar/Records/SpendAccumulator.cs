using Tap.Sidecar.Outcome;
using Tap.Sidecar.Pricing;

namespace Tap.Sidecar.Records;

/// <summary>Adds up the cost of the executions of one stats group; keeps each cost for the percentiles.</summary>
internal sealed class SpendAccumulator
{
    private readonly List<decimal> _costs = [];
    private decimal _total;
    private long _unpriced;
    private long _notFinal;
    private string? _currency;

    public void Add(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Cost is { } cost)
        {
            _costs.Add(cost.Total);
            _total += cost.Total;
            _currency ??= cost.Currency;
            _notFinal += cost.Source is UsageResolver.Provisional or UsageResolver.Estimated ? 1 : 0;
        }
        else if (record.Usage is not null)
        {
            _unpriced++;
        }
    }

    public SpendSummary ToSummary()
    {
        _costs.Sort();
        return new SpendSummary
        {
            Total = _total,
            Currency = _currency ?? PriceTableLoader.Shipped.Currency,
            Priced = _costs.Count,
            Unpriced = _unpriced,
            NotFinal = _notFinal,
            P50 = Percentile(50),
            P95 = Percentile(95),
            P99 = Percentile(99),
        };
    }

    // Nearest rank, as StatsCalculator does for latencies.
    private decimal? Percentile(double percent)
    {
        if (_costs.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percent / 100 * _costs.Count);
        return _costs[Math.Clamp(rank - 1, 0, _costs.Count - 1)];
    }
}
