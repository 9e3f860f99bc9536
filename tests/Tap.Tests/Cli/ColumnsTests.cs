using Tap.Sidecar.Cli;
using Tap.Sidecar.Records;
using Tap.Tests.Support;

namespace Tap.Tests.Cli;

/// <summary>What tap prints into a pipe or a file: 80 columns, no word split over two lines, no trailing spaces.</summary>
public sealed class ColumnsTests
{
    private const string LongModel = "claude-3-5-sonnet-20241022-with-an-unusually-long-deployment-name";

    [Test]
    public void List_shortens_a_long_model_with_an_ellipsis_and_splits_no_word()
    {
        var aborted = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(1), "canceled", LongModel);
        aborted.Reason = "ended_before_upstream_end";
        var output = Table(aborted, SampleRecords.Full());

        var lines = output.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.All.Length.LessThanOrEqualTo(80));
            Assert.That(lines, Has.None.EndsWith(" "), "no trailing spaces");
            Assert.That(output, Does.Contain("ended_before_upstream_end").And.Contain("claude-3-5-…"));
            Assert.That(lines.Count(line => line.Contains("claude", StringComparison.Ordinal)), Is.EqualTo(1), "the model is on one line, shortened");
        });
    }

    [Test]
    public void List_keeps_every_value_whole_when_every_column_is_at_its_widest()
    {
        var output = Table(Wide(SampleRecords.Full(model: LongModel)), SampleRecords.Full());

        var lines = output.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.All.Length.LessThanOrEqualTo(80));
            Assert.That(output, Does.Contain("ended_before_upstream_end").And.Contain("123M/988M").And.Contain("123457"), "large counts shortened, never wrapped");
        });
    }

    [Test]
    public void Tail_lines_fit_80_columns_whatever_their_values_with_no_trailing_spaces()
    {
        var lines = new[] { Wide(SampleRecords.Full(model: LongModel)), SampleRecords.Full(model: null), SampleRecords.Full(status: "incomplete") }.Select(TailLine.Format).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.All.Length.LessThanOrEqualTo(80));
            Assert.That(lines, Has.None.EndsWith(" "));
            Assert.That(lines[0], Does.Contain("ended_before_upstream_end").And.Contain("…").And.EndWith("123M/988M 123.5s"));
        });
    }

    [Test]
    public async Task Config_prints_a_long_value_whole_on_one_line_and_pads_nothing_at_line_ends()
    {
        var path = "/var/lib/some/rather/long/folder/for/the/tap/database/tap.db";

        var (exitCode, output, error) = await CliRunner.RunAsync("config", "--db", path, "--endpoint", "tapdemo");

        var lines = output.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
            Assert.That(lines, Has.Some.EqualTo("Tap:Store:DatabasePath".PadRight(38) + path), "the whole path on the key's line");
            Assert.That(lines, Has.Some.Contains("(--endpoint or TAP_ENDPOINT)"), "a long source on the next line");
            Assert.That(lines, Has.None.EndsWith(" "));
            Assert.That(lines.Where(line => !line.Contains(path, StringComparison.Ordinal)), Has.All.Length.LessThanOrEqualTo(80));
        });
    }

    [Test]
    public void A_piped_table_has_no_trailing_spaces_and_no_escape_codes()
    {
        using var output = new StringWriter();

        RecordPrinter.Print(output, SampleRecords.Full(), json: false);

        Assert.That(output.ToString().Split('\n'), Has.None.EndsWith(" "));
        Assert.That(output.ToString().Contains('\u001b', StringComparison.Ordinal), Is.False, "no escape codes");
    }

    private static string Table(params ExecutionRecord[] records)
    {
        using var output = new StringWriter();
        RecordOutput.Write(output, records, OutputFormat.Table);
        return output.ToString();
    }

    private static ExecutionRecord Wide(ExecutionRecord record)
    {
        record.Reason = "ended_before_upstream_end";
        record.Usage = new UsageEntry { Input = 123456789, Output = 987654321, Source = "final" };
        record.LatencyMs = 123456.78;
        return record;
    }
}
