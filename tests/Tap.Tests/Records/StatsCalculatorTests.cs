using Tap.Sidecar.Records;
using Tap.Tests.Support;

namespace Tap.Tests.Records;

public sealed class StatsCalculatorTests
{
    [Test]
    public void Groups_sum_tokens_and_take_nearest_rank_percentiles()
    {
        var records = Enumerable.Range(1, 100).Select(i =>
        {
            var record = SampleRecords.Full(status: i <= 90 ? "completed" : "failed");
            record.Reason = i <= 90 ? "terminal_event" : i <= 97 ? "upstream_error" : "stream_interrupted";
            record.LatencyMs = i;
            record.TimeToFirstTokenMs = i % 2 == 0 ? i : null;
            record.Usage = new UsageEntry { Input = 1, Output = 2, Total = 3 };
            return record;
        }).ToList();

        var stats = StatsCalculator.Compute(records, new RecordQuery(), StatsGrouping.Status);

        Assert.That(stats.Count, Is.EqualTo(100));
        Assert.That(stats.Groups.Select(g => (g.Key, g.Count)), Is.EqualTo(new[] { ("completed", 90L), ("failed", 10L) }));
        var completed = stats.Groups[0];
        Assert.Multiple(() =>
        {
            Assert.That((completed.InputTokens, completed.OutputTokens, completed.TotalTokens), Is.EqualTo((90L, 180L, 270L)));
            Assert.That((completed.LatencyMs!.P50, completed.LatencyMs.P95, completed.LatencyMs.P99), Is.EqualTo((45d, 86d, 90d)));
            Assert.That(completed.TtftMs!.P50, Is.EqualTo(46), "only executions with a first token count");
            Assert.That(stats.TopFailureReasons.Select(r => (r.Reason, r.Count)), Is.EqualTo(new[] { ("upstream_error", 7L), ("stream_interrupted", 3L) }));
        });
    }

    [Test]
    public void Empty_fields_group_under_a_dash_and_no_values_give_no_percentiles()
    {
        var record = SampleRecords.Full(model: null);
        record.LatencyMs = null;

        var stats = StatsCalculator.Compute([record], new RecordQuery(), StatsGrouping.Model);

        Assert.That(stats.Groups.Single().Key, Is.EqualTo("-"));
        Assert.That(stats.Groups.Single().LatencyMs, Is.Null);
    }

    [Test]
    public void An_unknown_grouping_is_refused() =>
        Assert.That(() => StatsCalculator.Compute([], new RecordQuery(), "color"), Throws.ArgumentException);
}
