using System.Security.Cryptography;
using Tap.Sidecar.Cli;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Cli;

/// <summary>
/// Every mistake an operator can make on the command line gets one line on stderr (never a stack trace), its
/// documented exit code (docs/operations.md), and leaves every file it was pointed at as it was.
/// In the rows, {db} is a real database with records, {dir} the folder holding it, {file} a transcript, {ep} an
/// endpoint nobody listens on, {log} a file beside the database named like its log.
/// </summary>
public sealed class BadInvocationTests
{
    private static readonly object[] Rows =
    [
        // Numbers
        Row(ExitCodes.Usage, "--limit: 'abc' is not a whole number from 1 to 10000", "list", "-n", "abc"),
        Row(ExitCodes.Usage, "--limit: '99999999999' is not a whole number", "list", "--limit", "99999999999"),
        Row(ExitCodes.Usage, "--limit: '0' is not a whole number", "list", "--limit", "0"),
        Row(ExitCodes.Usage, "--limit: '10001' is not a whole number", "list", "-n", "10001"),
        Row(ExitCodes.Usage, "--limit: '1.5' is not a whole number", "list", "--limit", "1.5"),
        Row(ExitCodes.Usage, "Required argument missing for option: '--limit'", "list", "--endpoint", "{ep}", "--limit"),
        Row(ExitCodes.Usage, "--limit: 'abc' is not a whole number", "tail", "-n", "abc"),
        Row(ExitCodes.Usage, "--limit: '20000' is not a whole number", "tail", "--limit", "20000"),
        Row(ExitCodes.Usage, "--client-abort-at: 'abc' is not a byte offset", "replay", "--format", "openai-chat", "--client-abort-at", "abc", "{file}"),
        Row(ExitCodes.Usage, "--upstream-error-at: '1e3' is not a byte offset", "replay", "--format", "openai-chat", "--upstream-error-at", "1e3", "{file}"),
        Row(ExitCodes.Usage, "--eof-at: '99999999999999999999' is not a byte offset", "replay", "--format", "gemini", "--eof-at", "99999999999999999999", "{file}"),
        Row(ExitCodes.Usage, "--status: 'abc' is not a whole number from 100 to 599", "replay", "--format", "openai-chat", "--status", "abc", "{file}"),
        Row(ExitCodes.Usage, "--status: '999' is not a whole number from 100 to 599", "replay", "--format", "openai-chat", "--status", "999", "{file}"),

        // Dates and windows
        Row(ExitCodes.Usage, "--since: 'yesterday' is neither a duration", "list", "--since", "yesterday"),
        Row(ExitCodes.Usage, "--until: '1y' is neither a duration", "list", "--until", "1y"),
        Row(ExitCodes.Usage, "--until (", "list", "--since", "1h", "--until", "2h"),
        Row(ExitCodes.Usage, "is not after --since", "list", "--since", "2026-11-20T10:00:00Z", "--until", "2026-11-20T09:00:00Z"),
        Row(ExitCodes.Usage, "is not after --since", "stats", "--since", "2026-11-20T10:00:00Z", "--until", "2026-11-20T10:00:00Z"),
        Row(ExitCodes.Usage, "is not after --since", "tail", "--since", "30m", "--until", "2d"),
        Row(ExitCodes.Usage, "is not after --since", "export", "--since", "1d", "--until", "1w"),
        Row(ExitCodes.Usage, "--since: '5q' is neither a duration", "stats", "--since", "5q"),
        Row(ExitCodes.Usage, "--before: 'soon' is neither a duration", "purge", "--before", "soon"),
        Row(ExitCodes.Usage, "Option '--before' is required", "purge"),

        // Enumerated values: listed in the error
        Row(ExitCodes.Usage, "--status: 'bogus' is not one of completed, incomplete, failed, canceled, abandoned.", "list", "--status", "bogus"),
        Row(ExitCodes.Usage, "--status: '' is not one of completed", "list", "--status", ""),
        Row(ExitCodes.Usage, "--status: 'complete' is not one of", "stats", "--status", "complete"),
        Row(ExitCodes.Usage, "--status: 'ok' is not one of", "tail", "--status", "ok"),
        Row(ExitCodes.Usage, "--reason: 'nope' is not one of upstream_http_error, terminal_event,", "list", "--reason", "nope"),
        Row(ExitCodes.Usage, "--reason: 'client-aborted' is not one of", "export", "--reason", "client-aborted"),
        Row(ExitCodes.Usage, "--format: 'xml' is not one of openai-chat, openai-responses, anthropic-messages, gemini, bedrock-converse, bedrock-invoke-anthropic.", "list", "--format", "xml"),
        Row(ExitCodes.Usage, "--format: 'anthropic' is not one of", "tail", "--format", "anthropic"),
        Row(ExitCodes.Usage, "--sort: 'bogus' is not one of started, latency, ttft.", "list", "--sort", "bogus"),
        Row(ExitCodes.Usage, "--by: 'user' is not one of status, model, format, route, gateway.", "stats", "--by", "user"),
        Row(ExitCodes.Usage, "--format: 'parquet' is not one of jsonl, csv.", "export", "--format", "parquet"),
        Row(ExitCodes.Usage, "--format: 'xml' is not one of jsonl, csv.", "export", "-f", "xml"),
        Row(ExitCodes.Usage, "--api-format: 'openai' is not one of openai-chat,", "export", "--api-format", "openai"),
        Row(ExitCodes.Usage, "--format: 'bogus' is not one of openai-chat, openai-responses, anthropic-messages, gemini, bedrock-converse, bedrock-invoke-anthropic.", "replay", "--format", "bogus", "{file}"),
        Row(ExitCodes.Usage, "--format: 'anthropic' is not one of", "replay", "--format", "anthropic", "{file}"),
        Row(ExitCodes.Usage, "--format: 'OpenAI-Chat-Completions' is not one of", "replay", "-f", "OpenAI-Chat-Completions", "{file}"),
        Row(ExitCodes.Usage, "--format is required to replay a transcript file.", "replay", "{file}"),

        // Output switches
        Row(ExitCodes.Usage, "Give at most one of --json, --jsonl and --csv.", "list", "--json", "--csv"),
        Row(ExitCodes.Usage, "Give at most one of --json, --jsonl and --csv.", "list", "--jsonl", "--json", "--csv"),

        // Ids, paths and endpoints
        Row(ExitCodes.Usage, "The id must not be empty.", "show", ""),
        Row(ExitCodes.Usage, "The id must not be empty.", "show", "  "),
        Row(ExitCodes.Usage, "Required argument missing for command: 'show'", "show"),
        Row(ExitCodes.Usage, "The file-or-id must not be empty.", "replay", ""),
        Row(ExitCodes.Usage, "Required argument missing for command: 'replay'", "replay"),
        Row(ExitCodes.Usage, "--db must not be empty.", "list", "--db", ""),
        Row(ExitCodes.Usage, "--output must not be empty.", "export", "--output", ""),
        Row(ExitCodes.Usage, "--output must not be empty.", "compact", "-o", ""),
        Row(ExitCodes.Usage, "Option '--output' is required", "compact"),
        Row(ExitCodes.Usage, "--endpoint must not be empty.", "list", "--endpoint", ""),
        Row(ExitCodes.Usage, "--endpoint 'run/tap.sock' is a relative path", "list", "--endpoint", "run/tap.sock"),
        Row(ExitCodes.Usage, "--endpoint './tap.sock' is a relative path", "stats", "--endpoint", "./tap.sock"),
        Row(ExitCodes.Usage, "--endpoint must not be empty.", "serve", "--endpoint", "", "--db", "{db}"),
        Row(ExitCodes.Usage, "--endpoint 'x/tap.sock' is a relative path", "serve", "--endpoint", "x/tap.sock", "--db", "{db}"),

        // Unknown commands, options and arguments, serve and config included
        Row(ExitCodes.Usage, "Required command was not provided.", []),
        Row(ExitCodes.Usage, "Unrecognized command or argument 'frobnicate'.", "frobnicate"),
        Row(ExitCodes.Usage, "Unrecognized command or argument '--bogus'.", "list", "--bogus"),
        Row(ExitCodes.Usage, "Unrecognized command or argument 'extra'.", "list", "extra"),
        Row(ExitCodes.Usage, "Unrecognized command or argument 'b'.", "show", "a", "b"),
        Row(ExitCodes.Usage, "Unrecognized command or argument '--limit=5'.", "export", "--limit=5"),
        Row(ExitCodes.Usage, "Unrecognized command or argument 'now'.", "purge", "--before", "1h", "now"),
        Row(ExitCodes.Usage, "Unrecognized option '--enpoint'; did you mean --endpoint?", "serve", "--enpoint", "{ep}", "--db", "{db}"),
        Row(ExitCodes.Usage, "Unrecognized option '--dbb'; did you mean --db?", "serve", "--dbb", "{db}", "--endpoint", "{ep}"),
        Row(ExitCodes.Usage, "Unrecognized argument 'extra'.", "serve", "extra", "--endpoint", "{ep}", "--db", "{db}"),
        Row(ExitCodes.Usage, "Unrecognized argument '-v'.", "serve", "-v", "--endpoint", "{ep}", "--db", "{db}"),
        Row(ExitCodes.Usage, "The configuration flag '--Tap:Store:RetentionDays' has no value", "serve", "--endpoint", "{ep}", "--db", "{db}", "--Tap:Store:RetentionDays"),
        Row(ExitCodes.Usage, "Unrecognized option '--josn'; did you mean --json?", "config", "--josn"),
        Row(ExitCodes.Usage, "Unrecognized argument 'extra'.", "config", "extra"),
        Row(ExitCodes.Usage, "Required command was not provided.", "service"),
        Row(ExitCodes.Usage, "Unrecognized command or argument '--bogus'.", "service", "install", "--bogus"),

        // Configuration: unknown keys from any source, invalid values, a folder for a file
        Row(ExitCodes.ServeFailed, "invalid configuration: Unknown configuration key Tap:Store:RetentionDay (from command line); did you mean Tap:Store:RetentionDays?", "serve", "--endpoint", "{ep}", "--db", "{db}", "--Tap:Store:RetentionDay=7"),
        Row(ExitCodes.ServeFailed, "Unknown configuration key Tap:Store:MaxBatchSiz (from command line); did you mean Tap:Store:MaxBatchSize?", "serve", "--endpoint", "{ep}", "--db", "{db}", "--Tap:Store:MaxBatchSiz=5"),
        Row(ExitCodes.ServeFailed, "Unknown configuration key Tap:Stor:MaxBatchSize (from command line); did you mean Tap:Store:MaxBatchSize?", "serve", "--endpoint", "{ep}", "--db", "{db}", "--Tap:Stor:MaxBatchSize", "5"),
        Row(ExitCodes.ServeFailed, "Unknown configuration key Tap:Control (from command line)", "serve", "--endpoint", "{ep}", "--db", "{db}", "/Tap:Control=off"),
        Row(ExitCodes.ServeFailed, "Failed to convert configuration value 'abc' at 'Tap:Store:MaxBatchSize'", "serve", "--endpoint", "{ep}", "--db", "{db}", "--Tap:Store:MaxBatchSize=abc"),
        Row(ExitCodes.ServeFailed, "Tap:Ingest:Endpoint 'rel/tap.sock' is a relative path", "serve", "--db", "{db}", "--Tap:Ingest:Endpoint=rel/tap.sock"),
        Row(ExitCodes.ServeFailed, "Tap:Store:DatabasePath {dir} is a folder", "serve", "--endpoint", "{ep}", "--db", "{dir}"),
        Row(ExitCodes.ServeFailed, "invalid: Unknown configuration key Tap:Store:RetentionDay (from command line); did you mean Tap:Store:RetentionDays?", "config", "--Tap:Store:RetentionDay=7"),
        Row(ExitCodes.ServeFailed, "invalid: Unknown configuration key Tap:Ingest:Endpont (from command line); did you mean Tap:Ingest:Endpoint?", "config", "--Tap:Ingest:Endpont", "x"),

        // Service installation
        Row(ExitCodes.Usage, "No user 'nosuchuser' on this machine", "service", "install", "--user", "nosuchuser", "--unit-path", "{dir}/tap.service"),
        Row(ExitCodes.Usage, "--user must not be empty.", "service", "install", "--user", "", "--unit-path", "{dir}/tap.service"),
        Row(ExitCodes.Usage, "--unit-path must not be empty.", "service", "install", "--unit-path", ""),
    ];

    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFiles()
    {
        _folder = new TempFolder();
        using (var store = new RecordStore(_folder.File("tap.db")))
        {
            store.Save([SampleRecords.Full(), SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(1), "client_aborted")]);
        }

        // Not a real log: a file an operator keeps beside the database, which no mistaken command may touch.
        File.WriteAllText(_folder.File("tap-log.db"), "not a LiteDB log");
        File.WriteAllText(_folder.File("transcript.sse"), "data: {\"choices\":[]}\n\n");
        File.WriteAllText(_folder.File("appsettings.json"), "{\"Tap\": {\"Store\": {\"RetentionDays\": 7}}}");
    }

    [TearDown]
    public void DeleteFiles() => _folder.Dispose();

    [Test]
    public void The_table_has_at_least_60_bad_invocations() => Assert.That(Rows, Has.Length.GreaterThanOrEqualTo(60));

    [TestCaseSource(nameof(Rows))]
    public async Task A_bad_invocation_prints_one_line_exits_with_its_code_and_changes_no_file(int exitCode, string message, string[] args)
    {
        var expanded = args.Select(Expand).ToArray();
        var before = Snapshot();

        var (actual, output, error) = await CliRunner.RunAsync(expanded);

        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(actual, Is.EqualTo(exitCode), error);
            Assert.That(lines, Has.Length.EqualTo(1), "one line on stderr");
            Assert.That(error, Does.Contain(Expand(message)));
            Assert.That(lines, Has.None.StartsWith("   at "), "no stack trace");
            Assert.That(error, Does.Not.Contain("Exception"));
            if (args is not ["config", ..])
            {
                Assert.That(output, Is.Empty, "nothing on stdout");
            }

            Assert.That(Snapshot(), Is.EqualTo(before), "every file in the folder byte-identical, none added or removed");
        });
    }

    private static TestCaseData Row(int exitCode, string message, params string[] args) =>
        new TestCaseData(exitCode, message, args).SetArgDisplayNames(args.Length == 0 ? "tap" : "tap " + string.Join(' ', args.Select(a => a.Length == 0 ? "\"\"" : a)));

    private string Expand(string text) => text
        .Replace("{db}", _folder.File("tap.db"), StringComparison.Ordinal)
        .Replace("{file}", _folder.File("transcript.sse"), StringComparison.Ordinal)
        .Replace("{ep}", _folder.File("tap.sock"), StringComparison.Ordinal)
        .Replace("{dir}", _folder.Path, StringComparison.Ordinal);

    private SortedDictionary<string, string> Snapshot() => new(
        Directory.EnumerateFileSystemEntries(_folder.Path, "*", SearchOption.AllDirectories).ToDictionary(
            path => path,
            path => File.GetAttributes(path).HasFlag(FileAttributes.Directory) ? "folder" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))),
        StringComparer.Ordinal);
}
