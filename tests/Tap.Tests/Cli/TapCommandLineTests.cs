using System.Text.Json;
using Tap.Sidecar.Cli;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Cli;

public sealed class TapCommandLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 15, 0, 0, TimeSpan.Zero);

    private TempFolder _folder = null!;
    private string _path = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = new TempFolder();
        _path = _folder.File("tap.db");
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public async Task List_json_prints_a_snake_case_array_newest_first_with_utc_dates()
    {
        var older = SampleRecords.Full();
        var newer = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(1), "client_aborted");
        Seed(older, newer);

        var (exitCode, output, _) = await RunAsync("list", "--json", "--db", _path);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        using var json = JsonDocument.Parse(output);
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.That(items.Select(i => i.GetProperty("id").GetGuid()), Is.EqualTo(new[] { newer.Id, older.Id }));
        Assert.That(items[1].GetProperty("started_at").GetString(), Is.EqualTo("2026-11-20T14:30:15.123Z"));
        Assert.That(items[0].GetProperty("status").GetString(), Is.EqualTo("client_aborted"));
        Assert.That(items[1].GetProperty("usage").GetProperty("cached_input").GetInt64(), Is.EqualTo(4));
        Assert.That(items[1].GetProperty("signals")[1].GetProperty("after_bytes").GetInt64(), Is.EqualTo(2048));
        Assert.That(items[1].GetProperty("time_to_first_token_ms").GetDouble(), Is.EqualTo(180.25));
    }

    [Test]
    public async Task List_filters_by_status_model_since_and_limit()
    {
        var recent = SampleRecords.Full(Now.UtcDateTime.AddMinutes(-10), "failed", "claude");
        Seed(
            recent,
            SampleRecords.Full(Now.UtcDateTime.AddMinutes(-50), "failed", "claude"),
            SampleRecords.Full(Now.UtcDateTime.AddMinutes(-5), "completed", "claude"),
            SampleRecords.Full(Now.UtcDateTime.AddMinutes(-4), "failed", "gpt"));

        Assert.Multiple(async () =>
        {
            Assert.That(await ListIdsAsync("--status", "failed", "--model", "claude", "--since", "30m"), Is.EqualTo(new[] { recent.Id }));
            Assert.That(await ListIdsAsync("--status", "failed", "--since", "2026-11-20T14:45:00Z"), Has.Length.EqualTo(2));
            Assert.That(await ListIdsAsync("--limit", "3"), Has.Length.EqualTo(3));
            Assert.That(await ListIdsAsync("-n", "1", "--since", "1h"), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public async Task List_prints_a_table_with_short_ids_that_fits_80_columns()
    {
        var record = SampleRecords.Full(model: "claude-3-5-sonnet-20241022-with-an-unusually-long-deployment-name");
        Seed(record, SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(1), "client_aborted"));

        var (exitCode, output, _) = await RunAsync("list", "--db", _path);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain(record.Id.ToString("N")[^8..]).And.Contain("2026-11-20").And.Contain("14:30:15").And.Contain("finish_reason_stop"));
        Assert.That(output.Contains('\u001b', StringComparison.Ordinal), Is.False, "no ANSI escapes when the output is not a terminal");
        Assert.That(output.Split('\n'), Has.All.Length.LessThanOrEqualTo(80));
    }

    [Test]
    public async Task Show_prints_the_whole_record_found_by_prefix()
    {
        var record = Seed(SampleRecords.Full(SampleRecords.BaseTime, "client_aborted"));

        var (exitCode, output, _) = await RunAsync("show", record.Id.ToString("N")[..8], "--db", _path);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain(record.Id.ToString("D"))
            .And.Contain("CLIENT_ABORTED (client_aborted)")
            .And.Contain(record.Explanation)
            .And.Contain("The client closed the connection.")
            .And.Contain("+950")
            .And.Contain("usage arrived in the last chunk")
            .And.Contain("TTFT 180.3 ms")
            .And.Contain("\"answer\": \"Hello\""));
        Assert.That(output.Split('\n'), Has.All.Length.LessThanOrEqualTo(80));
    }

    [Test]
    public async Task Show_json_prints_one_record_object()
    {
        var record = Seed(SampleRecords.Full());

        var (exitCode, output, _) = await RunAsync("show", record.Id.ToString(), "--json", "--db", _path);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(json.RootElement.GetProperty("id").GetGuid(), Is.EqualTo(record.Id));
        Assert.That(json.RootElement.GetProperty("client").GetProperty("process_id").GetInt32(), Is.EqualTo(4242));
        Assert.That(json.RootElement.GetProperty("response").GetString(), Is.EqualTo(record.Response));
    }

    [Test]
    public async Task Show_of_an_unknown_id_exits_1()
    {
        Seed(SampleRecords.Full());

        var (exitCode, output, error) = await RunAsync("show", "ffffffff", "--db", _path);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("ffffffff"));
    }

    [Test]
    public async Task Show_of_an_ambiguous_prefix_exits_1_and_names_the_candidates()
    {
        Seed(SampleRecords.Full(id: Guid.Parse("abcd0000-0000-0000-0000-000000000001")), SampleRecords.Full(id: Guid.Parse("abcd1111-0000-0000-0000-000000000002")));

        var (exitCode, _, error) = await RunAsync("show", "abcd", "--db", _path);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(error, Does.Contain("more than one").And.Contain("abcd0000").And.Contain("abcd1111"));
    }

    [Test]
    public async Task A_missing_database_lists_nothing_without_creating_the_file()
    {
        var json = await RunAsync("list", "--json", "--db", _path);
        var table = await RunAsync("list", "--db", _path);
        var show = await RunAsync("show", "abcd", "--db", _path);

        Assert.That(json.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(json.Output.Trim(), Is.EqualTo("[]"));
        Assert.That(json.Error, Does.Contain(_path));
        Assert.That(table.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(table.Output, Does.Contain("status"));
        Assert.That(show.ExitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(File.Exists(_path), Is.False);
    }

    [Test]
    public async Task A_file_that_is_not_a_database_exits_3_naming_the_path()
    {
        await File.WriteAllTextAsync(_path, new string('x', 10_000));

        var (exitCode, _, error) = await RunAsync("list", "--db", _path);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.DatabaseUnavailable), error);
        Assert.That(error, Does.Contain(_path).And.Contain("is not a LiteDB database"));
        Assert.That(await File.ReadAllTextAsync(_path), Is.EqualTo(new string('x', 10_000)), "left as it was (LiteDB used to crop it to 8 KiB)");
    }

    [TestCase("list", "--limit", "0")]
    [TestCase("list", "--limit", "10001")]
    [TestCase("list", "--since", "yesterday")]
    [TestCase("list", "--bogus")]
    [TestCase("show")]
    [TestCase("frobnicate")]
    [TestCase]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exitCode, _, error) = await RunAsync([.. args, "--db", _path]);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.Contain("--help' for usage."));
    }

    [Test]
    public async Task The_database_defaults_to_the_TAP_DB_environment_variable()
    {
        var record = Seed(SampleRecords.Full());
        var previous = Environment.GetEnvironmentVariable(TapCommandLine.DatabaseEnvironmentVariable);
        Environment.SetEnvironmentVariable(TapCommandLine.DatabaseEnvironmentVariable, _path);
        try
        {
            var (exitCode, output, _) = await RunAsync("show", record.Id.ToString(), "--json");

            Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(output, Does.Contain(record.Id.ToString()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(TapCommandLine.DatabaseEnvironmentVariable, previous);
        }
    }

    [Test]
    public async Task Help_exits_0()
    {
        var (exitCode, output, _) = await RunAsync("list", "--help");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("--since").And.Contain("--db"));
    }

    private async Task<Guid[]> ListIdsAsync(params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(["list", "--json", "--db", _path, .. args]);
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
        using var json = JsonDocument.Parse(output);
        return [.. json.RootElement.EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
    }

    private ExecutionRecord Seed(params ExecutionRecord[] records)
    {
        using var store = new RecordStore(_path);
        store.Save(records);
        return records[0];
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await TapCommandLine.InvokeAsync(CliRunner.Isolated(args), output, error, new FixedTimeProvider(Now));
        return (exitCode, output.ToString(), error.ToString());
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
