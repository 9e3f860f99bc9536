using System.Text.Json;
using Tap.Sidecar.Cli;
using Tap.Sidecar.Records;
using Tap.Sidecar.Replay;
using Tap.Sidecar.Store;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Pricing;

/// <summary>
/// Cost in the real CLI over a real LiteDB file (and through a running sidecar for reprice): list, show, stats, export,
/// --min-cost, prices, reprice. The records come from real transcripts through the sidecar's own code.
/// </summary>
public sealed class SpendCliTests
{
    private TempFolder _folder = null!;
    private string _db = null!;
    private Dictionary<string, ExecutionRecord> _records = null!;

    [SetUp]
    public void CreateDatabase()
    {
        _folder = new TempFolder();
        _db = _folder.File("tap.db");
        _records = new Dictionary<string, ExecutionRecord>
        {
            ["claude"] = Replay("anthropic-messages/body.json", "anthropic-messages"), // 0.002031
            ["gpt-4o"] = Replay("openai-chat/text.sse", "openai-chat"), // 0.00023
            ["gemini"] = Replay("gemini/reasoning.sse", "gemini"), // 0.00422875
            ["deepseek"] = Replay("openai-chat/reasoning.sse", "openai-chat"), // no price
            ["failed"] = Replay("openai-chat/error-mid-stream.sse", "openai-chat"), // 0.00003, estimated
            ["canceled"] = Replay("anthropic-messages/text.sse", "anthropic-messages", clientAbortAt: FixtureFiles.Read("anthropic-messages/text.sse").AsSpan().IndexOf("event: message_delta"u8)),
        };
        using var store = new RecordStore(_db);
        store.Save([.. _records.Values]);
    }

    [TearDown]
    public void DeleteDatabase() => _folder.Dispose();

    private static ExecutionRecord Replay(string fixture, string format, long? clientAbortAt = null) =>
        TranscriptReplayer.Replay(FixtureFiles.Read(fixture), new ReplayOptions { Format = format, ClientAbortAt = clientAbortAt });

    private Task<(int ExitCode, string Output, string Error)> Tap(params string[] args) => CliRunner.RunAsync([.. args, "--db", _db]);

    private static string Id(ExecutionRecord record) => record.Id.ToString("N")[^8..];

    [Test]
    public async Task Stats_by_status_says_what_the_canceled_and_failed_executions_cost()
    {
        var canceled = _records["canceled"];
        Assert.That(canceled.Status, Is.EqualTo("canceled"));

        var stats = await CliRunner.RunJsonAsync("stats", "--by", "status", "--json", "--db", _db);
        var groups = stats.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!, g => g.GetProperty("spend"));

        Assert.That(groups["completed"].GetProperty("total").GetDecimal(), Is.EqualTo(0.002031m + 0.00023m + 0.00422875m));
        Assert.That((groups["completed"].GetProperty("priced").GetInt64(), groups["completed"].GetProperty("unpriced").GetInt64()), Is.EqualTo((3L, 1L)));
        Assert.That(groups["failed"].GetProperty("total").GetDecimal(), Is.EqualTo(0.00003m));
        Assert.That(groups["failed"].GetProperty("not_final").GetInt64(), Is.EqualTo(1));
        Assert.That(groups["canceled"].GetProperty("total").GetDecimal(), Is.EqualTo(canceled.Cost!.Total).And.GreaterThan(0m));
        Assert.That(groups["completed"].GetProperty("p50").GetDecimal(), Is.EqualTo(0.002031m));

        var (exitCode, printed, _) = await Tap("stats", "--by", "status");
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(printed, Does.Contain("spend 0.").And.Contain("1 executions without a price not counted"));
        Assert.That(printed.Split('\n'), Has.All.Length.LessThanOrEqualTo(80));
    }

    [Test]
    public async Task Stats_by_model_keeps_each_group_on_one_line_within_80_columns_shortening_only_what_cannot_fit()
    {
        var longModel = Replay("openai-chat/text.sse", "openai-chat");
        longModel.Model = "ft:gpt-4o-2024-08-06:acme-research-and-development:support-triage:9xYzAbCd";
        using (var store = new RecordStore(_db))
        {
            store.Save([longModel]);
        }

        var (exitCode, printed, _) = await Tap("stats", "--by", "model");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        var lines = printed.Split('\n');
        Assert.That(lines, Has.All.Length.LessThanOrEqualTo(80));
        Assert.That(lines.Count(l => l.Contains("claude-sonnet-4-5-20250929", StringComparison.Ordinal)), Is.EqualTo(2), "whole in both tables, never wrapped: " + printed);
        Assert.That(lines.Count(l => l.Contains("ft:gpt-4o-2024-08-06:acme", StringComparison.Ordinal) && l.Contains('…', StringComparison.Ordinal)), Is.EqualTo(2), printed);
    }

    [Test]
    public async Task Stats_groups_spend_by_gateway_and_by_model()
    {
        var byGateway = await CliRunner.RunJsonAsync("stats", "--by", "gateway", "--json", "--db", _db);
        Assert.That(byGateway.GetProperty("groups")[0].GetProperty("key").GetString(), Is.EqualTo("replay"));

        var byModel = await CliRunner.RunJsonAsync("stats", "--by", "model", "--json", "--db", _db);
        var deepseek = byModel.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == "deepseek-reasoner");
        Assert.That(deepseek.GetProperty("spend").GetProperty("p50").ValueKind, Is.EqualTo(JsonValueKind.Null), "no price is no figure, not 0");
    }

    [Test]
    public async Task List_shows_a_cost_column_within_80_columns_and_filters_on_min_cost()
    {
        var (exitCode, printed, error) = await Tap("list");
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(printed, Does.Contain(" cost").And.Contain("$0.0020").And.Contain("$0.0042"));
        Assert.That(printed.Split('\n'), Has.All.Length.LessThanOrEqualTo(80));

        var expensive = await CliRunner.RunJsonAsync("list", "--min-cost", "0.001", "--json", "--db", _db);
        Assert.That(expensive.EnumerateArray().Select(r => r.GetProperty("model").GetString()), Is.EquivalentTo(new[] { "claude-sonnet-4-5-20250929", "gemini-2.5-pro" }));
    }

    [Test]
    public async Task Show_prints_the_breakdown_and_its_source()
    {
        var (exitCode, shown, _) = await Tap("show", Id(_records["claude"]));
        var printed = System.Text.RegularExpressions.Regex.Replace(shown, @"\s+", " ");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(printed, Does.Contain("0.002031 USD (final): input 0.000036, cached in 0.00054, cache write 0.00093,"));
        Assert.That(printed, Does.Contain("priced as claude-sonnet-4-5 (shipped), table 2026-12-02"));

        var failed = await Tap("show", Id(_records["failed"]));
        Assert.That(System.Text.RegularExpressions.Regex.Replace(failed.Output, @"\s+", " "), Does.Contain("0.00003 USD (estimated, a lower bound)"));
        var unpriced = await Tap("show", Id(_records["deepseek"]));
        Assert.That(System.Text.RegularExpressions.Regex.Replace(unpriced.Output, @"\s+", " "), Does.Contain("- (no price: see the notes)").And.Contain("No price for model 'deepseek-reasoner'"));
    }

    [Test]
    public async Task Export_carries_the_cost_in_csv_and_jsonl()
    {
        var csv = _folder.File("out.csv");
        Assert.That((await Tap("export", "--format", "csv", "--output", csv)).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var lines = await File.ReadAllLinesAsync(csv);
        Assert.That(lines[0], Does.EndWith(",error_message,cost,cost_currency,cost_source"));
        Assert.That(lines.Where(l => l.StartsWith(_records["claude"].Id.ToString("D"), StringComparison.Ordinal)).Single(), Does.EndWith(",0.002031,USD,final"));
        Assert.That(lines.Where(l => l.StartsWith(_records["deepseek"].Id.ToString("D"), StringComparison.Ordinal)).Single(), Does.EndWith(",,,"));

        var jsonl = _folder.File("out.jsonl");
        Assert.That((await Tap("export", "--output", jsonl)).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var gemini = (await File.ReadAllLinesAsync(jsonl)).Select(l => JsonDocument.Parse(l).RootElement).Single(r => r.GetProperty("model").GetString() == "gemini-2.5-pro");
        Assert.That(gemini.GetProperty("cost").GetProperty("reasoning").GetDecimal(), Is.EqualTo(0.00416m));
        Assert.That(gemini.GetProperty("cost_history").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Prices_lists_the_table_in_force_and_the_recorded_models_it_lacks()
    {
        var (exitCode, printed, _) = await Tap("prices");
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(printed, Does.Contain("price table 2026-12-02, USD per million tokens").And.Contain("claude-sonnet-4-5").And.Contain("> 200k in"));
        Assert.That(printed.Split('\n'), Has.All.Length.LessThanOrEqualTo(80));

        var missing = await CliRunner.RunJsonAsync("prices", "--missing", "--json", "--db", _db);
        Assert.That(missing.GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("model").GetString()), Is.EqualTo(new[] { "deepseek-reasoner" }));

        var table = await CliRunner.RunJsonAsync("prices", "--json");
        var sonnet = table.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "claude-sonnet-4-5");
        Assert.That(sonnet.GetProperty("source").GetString(), Does.StartWith("https://"));
    }

    [Test]
    public async Task Reprice_recomputes_with_the_operator_table_and_keeps_the_old_figure()
    {
        var prices = _folder.File("prices.json");
        await File.WriteAllTextAsync(prices, """
            {"version": "ops-1", "currency": "USD", "models": [
              {"id": "gpt-4o", "input": 5, "output": 20, "source": "contract"},
              {"id": "deepseek-reasoner", "input": 0.55, "output": 2.19, "source": "https://api-docs.deepseek.com/quick_start/pricing"}
            ]}
            """);

        var dry = await Tap("reprice", "--since", "2000-01-01", "--prices", prices, "--dry-run");
        Assert.That(dry.Output, Does.Contain("6 executions matched; 6 would change"), dry.Error);
        var run = await CliRunner.RunJsonAsync("reprice", "--since", "2000-01-01", "--prices", prices, "--json", "--db", _db);
        Assert.That((run.GetProperty("changed").GetInt64(), run.GetProperty("table_version").GetString()), Is.EqualTo((6L, "2026-12-02+ops-1")));

        var gpt = (await CliRunner.RunJsonAsync("show", Id(_records["gpt-4o"]), "--json", "--db", _db));
        Assert.That(gpt.GetProperty("cost").GetProperty("total").GetDecimal(), Is.EqualTo(0.00046m), "24 in at 5, 17 out at 20");
        var history = gpt.GetProperty("cost_history")[0];
        Assert.That((history.GetProperty("total").GetDecimal(), history.GetProperty("table_version").GetString()), Is.EqualTo((0.00023m, "2026-12-02")));

        var deepseek = await CliRunner.RunJsonAsync("show", Id(_records["deepseek"]), "--json", "--db", _db);
        Assert.That(deepseek.GetProperty("cost").GetProperty("total").GetDecimal(), Is.EqualTo(15 * 0.55m / 1_000_000 + 120 * 2.19m / 1_000_000));
        Assert.That(deepseek.GetProperty("cost_history")[0].GetProperty("total").ValueKind, Is.EqualTo(JsonValueKind.Null), "it had no price before");
        Assert.That(deepseek.GetProperty("notes").EnumerateArray().Select(n => n.GetString()), Has.None.StartsWith("No price for"));

        var again = await CliRunner.RunJsonAsync("reprice", "--since", "2000-01-01", "--prices", prices, "--json", "--db", _db);
        Assert.That(again.GetProperty("changed").GetInt64(), Is.Zero, "the same table changes nothing, and adds no history");
    }

    [Test]
    public async Task Reprice_while_the_sidecar_runs_goes_through_its_store_with_its_table()
    {
        var prices = _folder.File("prices.json");
        await File.WriteAllTextAsync(prices, """{"version": "ops-2", "currency": "USD", "models": [{"id": "gemini-2.5-pro", "input": 1, "output": 8}]}""");
        await using var sidecar = await SidecarProcess.StartAsync(databasePath: _db, settings: new Dictionary<string, string?>
        {
            ["Tap:Prices:Path"] = prices,

            // The replayed records start on 2026-01-01: retention at start would delete them.
            ["Tap:Store:RetentionDays"] = "0",
        });

        var run = await CliRunner.RunJsonAsync("reprice", "--since", "2000-01-01", "--json", "--endpoint", sidecar.PipeName, "--db", _db);
        Assert.That((run.GetProperty("matched").GetInt64(), run.GetProperty("table_version").GetString()), Is.EqualTo((6L, "2026-12-02+ops-2")));

        var gemini = sidecar.Records.Find(_records["gemini"].Id.ToString())!;
        Assert.That(gemini.Cost!.Total, Is.EqualTo(15 * 1m / 1_000_000 + 421 * 8m / 1_000_000));
        Assert.That(gemini.CostHistory![0].Total, Is.EqualTo(0.00422875m));
    }

    [Test]
    public async Task Reprice_requires_a_window_and_refuses_a_bad_price_file()
    {
        var (exitCode, _, error) = await Tap("reprice");
        Assert.That((exitCode, error), Is.EqualTo((ExitCodes.Usage, error)));
        Assert.That(error, Does.Contain("--since is required"));

        var bad = _folder.File("bad.json");
        await File.WriteAllTextAsync(bad, "{");
        var refused = await Tap("reprice", "--since", "1d", "--prices", bad);
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.ServeFailed));
        Assert.That(refused.Error.Trim(), Does.Contain("is not a valid price file").And.Not.Contain("\n"));
    }

    [Test]
    public async Task Replay_prices_a_transcript_as_another_model()
    {
        var transcript = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "openai-chat", "reasoning.sse");
        var record = await CliRunner.RunJsonAsync("replay", transcript, "--format", "openai-chat", "--model", "gpt-5", "--json");

        // deepseek-reasoner priced as gpt-5: 15 in at 1.25, 22 out and 98 reasoning at 10.
        Assert.That(record.GetProperty("cost").GetProperty("entry").GetString(), Is.EqualTo("gpt-5"));
        Assert.That(record.GetProperty("cost").GetProperty("total").GetDecimal(), Is.EqualTo(0.00001875m + 0.0012m));
    }
}
