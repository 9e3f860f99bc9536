namespace Tap.Sidecar.Records;

/// <summary>Computes <see cref="RecordStats"/> in one pass; only the latencies are kept in memory.</summary>
internal static class StatsCalculator
{
    public const int TopReasons = 5;

    public static RecordStats Compute(IEnumerable<ExecutionRecord> records, RecordQuery window, string by)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(window);
        var keyOf = StatsGrouping.KeyOf(by);
        var groups = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var reasons = new Dictionary<(string Status, string Reason), long>();
        long count = 0;
        foreach (var record in records)
        {
            count++;
            var key = keyOf(record) is { Length: > 0 } value ? value : "-";
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new Accumulator();
            }

            group.Add(record);
            if (record.Status != "completed")
            {
                reasons[(record.Status, record.Reason)] = reasons.GetValueOrDefault((record.Status, record.Reason)) + 1;
            }
        }

        return new RecordStats
        {
            By = by,
            Since = window.Since,
            Until = window.Until,
            Count = count,
            Groups = [.. groups.OrderByDescending(g => g.Value.Count).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Value.ToGroup(g.Key))],
            TopFailureReasons = [.. reasons
                .OrderByDescending(r => r.Value).ThenBy(r => r.Key.Status, StringComparer.Ordinal).ThenBy(r => r.Key.Reason, StringComparer.Ordinal)
                .Take(TopReasons)
                .Select(r => new ReasonCount { Status = r.Key.Status, Reason = r.Key.Reason, Count = r.Value })],
        };
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="percent"/> % of the values at or below it.</summary>
    public static double Percentile(List<double> sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private sealed class Accumulator
    {
        private readonly List<double> _latencies = [];
        private readonly List<double> _ttfts = [];
        private readonly SpendAccumulator _spend = new();
        private long _input;
        private long _output;
        private long _total;

        public long Count { get; private set; }

        public void Add(ExecutionRecord record)
        {
            Count++;
            _input += record.Usage?.Input ?? 0;
            _output += record.Usage?.Output ?? 0;
            _total += record.Usage?.Total ?? 0;
            _spend.Add(record);
            if (record.LatencyMs is { } latency)
            {
                _latencies.Add(latency);
            }

            if (record.TimeToFirstTokenMs is { } ttft)
            {
                _ttfts.Add(ttft);
            }
        }

        public StatsGroup ToGroup(string key) => new()
        {
            Key = key,
            Count = Count,
            InputTokens = _input,
            OutputTokens = _output,
            TotalTokens = _total,
            LatencyMs = Summarize(_latencies),
            TtftMs = Summarize(_ttfts),
            Spend = _spend.ToSummary(),
        };

        private static Percentiles? Summarize(List<double> values)
        {
            if (values.Count == 0)
            {
                return null;
            }

            values.Sort();
            return new Percentiles { P50 = Percentile(values, 50), P95 = Percentile(values, 95), P99 = Percentile(values, 99) };
        }
    }
}
