using Microsoft.Extensions.DependencyInjection;
using Tap.Sidecar.Cli;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Cli;

/// <summary>
/// Every command gives the same answer from a running sidecar (over its control endpoint) as from the database
/// file: two identical databases, one held by a real sidecar host, one read by the CLI itself.
/// </summary>
[NonParallelizable]
public sealed class BothWaysTests
{
    private TempFolder _folder = null!;
    private SidecarProcess _sidecar = null!;
    private string _servedPath = null!;
    private string _filePath = null!;
    private List<ExecutionRecord> _records = null!;

    [SetUp]
    public async Task StartSidecarOnOneCopy()
    {
        _folder = new TempFolder();
        _servedPath = _folder.File("served.db");
        _filePath = _folder.File("file.db");
        _records = Sample();
        foreach (var path in new[] { _servedPath, _filePath })
        {
            using var store = new RecordStore(path);
            store.Save(_records);
        }

        _sidecar = await SidecarProcess.StartAsync(databasePath: _servedPath);
    }

    [TearDown]
    public async Task StopSidecar()
    {
        await _sidecar.DisposeAsync();
        _folder.Dispose();
    }

    [TestCase("list")]
    [TestCase("list", "--json", "--status", "failed")]
    [TestCase("list", "--jsonl", "--sort", "latency", "--limit", "5")]
    [TestCase("list", "--csv", "--sort", "ttft", "--asc")]
    [TestCase("list", "--json", "--reason", "upstream_error", "--client", "litellm", "--error", "RESET")]
    [TestCase("list", "--json", "--since", "2026-11-20T14:35:00Z", "--until", "2026-11-20T14:50:00Z", "--route", "/v1/chat/completions")]
    [TestCase("list", "--json", "--request-id", "req_shared", "--format", "openai-chat", "--model", "gpt-4o-mini")]
    [TestCase("stats")]
    [TestCase("stats", "--json", "--by", "model", "--since", "2026-11-20T14:40:00Z")]
    [TestCase("stats", "--by", "route")]
    [TestCase("purge", "--before", "2026-11-20T14:40:00Z")]
    [TestCase("purge", "--before", "2026-11-20T14:40:00Z", "--yes", "--json")]
    [TestCase("show", "unknown0")]
    [TestCase("list", "--json", "--status", "nothing-has-this")]
    public async Task A_command_prints_the_same_from_the_sidecar_and_from_the_file(params string[] args)
    {
        var served = await RunServedAsync(args);
        var file = await RunFileAsync(args);

        Assert.That(served, Is.EqualTo(file));
        Assert.That(served.Output.Length > 0 || served.ExitCode != ExitCodes.Ok, Is.True, "the command printed something or failed");
        if (!args.Any(a => a is "--json" or "--jsonl" or "--csv"))
        {
            Assert.That(served.Output.Split('\n'), Has.All.Length.LessThanOrEqualTo(80), "tables fit 80 columns");
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Show_prints_the_trace_and_the_other_attempts_the_same_both_ways(bool json)
    {
        var second = _records.Single(r => r.RequestId == "req_shared" && r.Attempt == 2);
        string[] args = json ? ["show", second.Id.ToString("N")[^8..], "--json"] : ["show", second.Id.ToString("N")[^8..]];

        var served = await RunServedAsync(args);
        var file = await RunFileAsync(args);

        Assert.That(served, Is.EqualTo(file));
        Assert.That(served.ExitCode, Is.EqualTo(ExitCodes.Ok), served.Error);
        var first = _records.Single(r => r.RequestId == "req_shared" && r.Attempt == 1);
        Assert.That(served.Output, Does.Contain(json ? first.Id.ToString("D") : first.Id.ToString("N")[^8..]));
        Assert.That(served.Output.Split('\n'), Has.All.Length.LessThanOrEqualTo(json ? int.MaxValue : 80));
    }

    [Test]
    public async Task Export_writes_the_same_files_both_ways()
    {
        foreach (var format in new[] { "jsonl", "csv" })
        {
            var servedFile = _folder.File("served." + format);
            var fileFile = _folder.File("file." + format);

            var served = await RunServedAsync("export", "--format", format, "--output", servedFile, "--json");
            var file = await RunFileAsync("export", "--format", format, "--output", fileFile, "--json");

            Assert.That(served.ExitCode, Is.EqualTo(ExitCodes.Ok), served.Error);
            Assert.That(file.ExitCode, Is.EqualTo(ExitCodes.Ok), file.Error);
            Assert.That(await File.ReadAllTextAsync(servedFile), Is.EqualTo(await File.ReadAllTextAsync(fileFile)));
            Assert.That(File.ReadAllLines(servedFile), Has.Length.EqualTo(_records.Count + (format == "csv" ? 1 : 0)));
            Assert.That(served.Output, Does.Contain($"\"exported\": {_records.Count}"));
        }
    }

    [Test]
    public async Task Compact_copies_the_same_records_both_ways()
    {
        var served = await RunServedAsync("compact", "--output", _folder.File("served-compact.db"));
        var file = await RunFileAsync("compact", "--output", _folder.File("file-compact.db"));

        Assert.That(served.ExitCode, Is.EqualTo(ExitCodes.Ok), served.Error);
        Assert.That(file.ExitCode, Is.EqualTo(ExitCodes.Ok), file.Error);
        Assert.That(served.Output, Does.Contain($"Copied {_records.Count} executions"));
        // As sets: the two executions of the same millisecond may swap places in a copy.
        var original = await LinesAsync(_filePath);
        Assert.That(await LinesAsync(_folder.File("served-compact.db")), Is.EquivalentTo(original));
        Assert.That(await LinesAsync(_folder.File("file-compact.db")), Is.EquivalentTo(original));

        static async Task<string[]> LinesAsync(string path) =>
            (await CliRunner.RunAsync("list", "--jsonl", "--limit", "100", "--endpoint", TestEndpoints.UniquePipeName(), "--db", path)).Output.Split('\n');
    }

    [Test]
    public async Task Tail_prints_the_latest_then_follows_new_records_from_the_sidecar()
    {
        using var tail = new RunningCommand("tail", "--endpoint", _sidecar.PipeName, "--db", _servedPath, "--limit", "3", "--json");
        await tail.WaitForLinesAsync(3);
        var fresh = SampleRecords.Full(DateTime.UtcNow, "failed");
        Assert.That(_sidecar.Services.GetRequiredService<RecordWriter>().TryEnqueue(fresh), Is.True);
        await tail.WaitForLinesAsync(4);
        var (exitCode, lines, error) = await tail.StopAsync();

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
        var ids = lines.Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("id").GetGuid()).ToList();
        var latest = _records.TakeLast(3).Select(r => r.Id);
        Assert.That(ids, Is.EqualTo(latest.Append(fresh.Id)));
    }

    [Test]
    public async Task Tail_from_the_file_prints_the_same_backlog_as_from_the_sidecar()
    {
        var served = await TailBacklogAsync("--endpoint", _sidecar.PipeName, "--db", _servedPath);
        var file = await TailBacklogAsync("--endpoint", TestEndpoints.UniquePipeName(), "--db", _filePath);

        Assert.That(served, Is.EqualTo(file));
        Assert.That(served, Has.Length.EqualTo(4));
    }

    [Test]
    public async Task With_a_sidecar_running_the_answers_come_from_it_not_from_the_file()
    {
        var listed = await CliRunner.RunJsonAsync("list", "--json", "--endpoint", _sidecar.PipeName, "--db", _folder.File("absent.db"));

        Assert.That(listed.GetArrayLength(), Is.EqualTo(20));
    }

    private static async Task<string[]> TailBacklogAsync(params string[] where)
    {
        using var tail = new RunningCommand(["tail", "--limit", "4", .. where]);
        await tail.WaitForLinesAsync(4);
        var (exitCode, lines, error) = await tail.StopAsync();
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
        return lines;
    }

    private Task<(int ExitCode, string Output, string Error)> RunServedAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", _sidecar.PipeName, "--db", _servedPath]);

    // A pipe name no sidecar listens on: the CLI falls back to the file.
    private Task<(int ExitCode, string Output, string Error)> RunFileAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", TestEndpoints.UniquePipeName(), "--db", _filePath]);

    private static List<ExecutionRecord> Sample()
    {
        var records = new List<ExecutionRecord>();
        string[] statuses = ["completed", "failed", "canceled", "completed", "incomplete"];
        for (var i = 0; i < 30; i++)
        {
            var record = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(i), statuses[i % statuses.Length], i % 3 == 0 ? "claude-3-5" : "gpt-4o-mini");
            record.Reason = record.Status switch
            {
                "failed" => "upstream_error",
                "canceled" => "client_aborted",
                "incomplete" => "provider_incomplete",
                _ => "terminal_event",
            };
            record.ErrorMessage = record.Status == "failed" ? $"Connection reset by peer ({i})" : null;
            record.LatencyMs = 100 + (i * 37 % 23 * 10.5);
            record.TimeToFirstTokenMs = i % 4 == 0 ? null : 20 + (i * 13 % 17);
            record.Client.Gateway = i % 2 == 0 ? "litellm" : "yarp";
            record.Route = i % 5 == 0 ? "/v1/responses" : "/v1/chat/completions";
            record.RecordedAt = record.StartedAt.AddSeconds(2);
            records.Add(record);
        }

        records[7].RequestId = "req_shared";
        records[7].Attempt = 1;
        records[8].RequestId = "req_shared";
        records[8].Attempt = 2;
        records[12].RequestId = "req_shared";
        records[12].Attempt = 3;

        // Two executions in the same millisecond: paging must neither lose nor repeat one.
        records[20].StartedAt = records[21].StartedAt;
        return records;
    }
}
