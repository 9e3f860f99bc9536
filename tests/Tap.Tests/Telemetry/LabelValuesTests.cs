using Tap.Sidecar.Telemetry.Metrics;

namespace Tap.Tests.Telemetry;

public class LabelValuesTests
{
    [Test]
    public void Values_beyond_the_bound_are_counted_as_other_and_long_ones_are_cut()
    {
        var models = new LabelValues(2);
        Assert.Multiple(() =>
        {
            Assert.That(models.Bound("gpt-4o"), Is.EqualTo("gpt-4o"));
            Assert.That(models.Bound("claude-sonnet-4-5"), Is.EqualTo("claude-sonnet-4-5"));
            Assert.That(models.Bound("random-1"), Is.EqualTo("_OTHER"));
            Assert.That(models.Bound("gpt-4o"), Is.EqualTo("gpt-4o"), "a value seen before keeps its label");
            Assert.That(models.Bound(null), Is.Null);
            Assert.That(new LabelValues(5).Bound(new string('m', 500)), Has.Length.EqualTo(LabelValues.MaxLength));
        });
    }
}
