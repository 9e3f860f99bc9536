using Tap.Sidecar.Cli;

namespace Tap.Tests.Cli;

public sealed class SinceParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 15, 0, 0, TimeSpan.Zero);

    [TestCase("30s", "2026-11-20T14:59:30")]
    [TestCase("30m", "2026-11-20T14:30:00")]
    [TestCase("1h", "2026-11-20T14:00:00")]
    [TestCase("2d", "2026-11-18T15:00:00")]
    [TestCase("1w", "2026-11-13T15:00:00")]
    [TestCase("2026-11-01", "2026-11-01T00:00:00")]
    [TestCase("2026-11-01T08:15:00Z", "2026-11-01T08:15:00")]
    [TestCase("2026-11-01T08:15:00", "2026-11-01T08:15:00")]
    [TestCase("2026-11-01T10:15:00+02:00", "2026-11-01T08:15:00")]
    public void Durations_and_dates_parse_to_utc(string text, string expectedUtc)
    {
        Assert.That(SinceParser.TryParse(text, Now, out var since), Is.True);
        Assert.That(since, Is.EqualTo(DateTime.SpecifyKind(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc)));
        Assert.That(since.Kind, Is.EqualTo(DateTimeKind.Utc));
    }

    [TestCase("")]
    [TestCase("m")]
    [TestCase("30x")]
    [TestCase("-5m")]
    [TestCase("yesterday")]
    [TestCase("99999999999d")]
    public void Anything_else_is_rejected(string text) =>
        Assert.That(SinceParser.TryParse(text, Now, out _), Is.False);
}
