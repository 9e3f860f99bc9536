using System.Globalization;
using System.Text.RegularExpressions;

namespace Tap.Tests.Telemetry;

/// <summary>One scrape of a Prometheus text endpoint, read into samples, with sums over the samples that match labels.</summary>
internal sealed partial class ScrapeText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private ScrapeText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#')))
        {
            var sample = Sample().Match(line);
            Assert.That(sample.Success, Is.True, $"a sample line: {line}");
            var labels = Label().Matches(sample.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
            _samples.Add((sample.Groups["name"].Value, labels, double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    public IEnumerable<string> Names => _samples.Select(s => s.Name).Distinct();

    public IEnumerable<IReadOnlyDictionary<string, string>> LabelsOf(string name) => _samples.Where(s => s.Name == name).Select(s => s.Labels);

    public static async Task<ScrapeText> ReadAsync(HttpClient client, Uri url)
    {
        var text = await client.GetStringAsync(url).WaitAsync(TimeSpan.FromSeconds(30));
        return new ScrapeText(text);
    }

    /// <summary>Scrapes until <paramref name="ready"/> holds: the metrics are counted just after the acknowledgements go out.</summary>
    public static async Task<ScrapeText> ReadWhenAsync(HttpClient client, Uri url, Func<ScrapeText, bool> ready)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var scrape = await ReadAsync(client, url);
            if (ready(scrape))
            {
                return scrape;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting for the scrape to count the committed executions:\n" + scrape.Text);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every label given; null when none does.</summary>
    public double? Sum(string name, params (string Label, string Value)[] labels)
    {
        var matching = _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\S+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
