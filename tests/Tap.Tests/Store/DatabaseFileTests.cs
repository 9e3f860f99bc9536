using System.Diagnostics;
using System.Security.Cryptography;
using Tap.Protocol;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

/// <summary>
/// Issue 12: every file an operator points Tap at is either a sound database, opened by one writer at a time, or
/// refused with one line and left byte for byte as it was.
/// </summary>
[NonParallelizable]
public class DatabaseFileTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new TempFolder();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task Second_serve_on_the_same_database_refuses_with_exit_4_and_touches_no_file()
    {
        SkipOnWindows();
        var database = _folder.File("tap.db");
        await using var first = await TapServeProcess.StartAsync(TestEndpoints.UniquePipeName(), database);

        // The first sidecar's own start (its first maintenance pass) settles before the files are compared.
        var log = Sidecar.Store.Files.DatabasePaths.Log(database);
        await Eventually.TrueAsync(() => File.Exists(log) && new FileInfo(log).Length == 0, "the first sidecar's start-up checkpoint ran", TimeSpan.FromSeconds(20));
        var before = Snapshot();
        await Eventually.TrueAsync(() => Stable(ref before), "the first sidecar's files settle", TimeSpan.FromSeconds(20));
        var second = TestEndpoints.UniquePipeName();

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", second, "--db", database);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(4), error);
            Assert.That(error, Does.Contain("in use by another tap process"));
            AssertOneLine(error);
            Assert.That(Snapshot(), Is.EqualTo(before), "the first sidecar's files are untouched: before " + string.Join(", ", before) + "; after " + string.Join(", ", Snapshot()));
            Assert.That(File.Exists(PipeEndpoint.SocketPath(second)), Is.False, "the second never listened");
        });
    }

    [Test]
    public async Task File_mode_purge_while_a_sidecar_holds_the_database_refuses()
    {
        SkipOnWindows();
        var database = _folder.File("tap.db");
        await using var sidecar = await TapServeProcess.StartAsync(TestEndpoints.UniquePipeName(), database);
        var before = Snapshot();

        // Another endpoint than the sidecar's: the CLI falls back to the file, which the sidecar holds.
        var (exitCode, _, error) = await CliRunner.RunAsync("purge", "--before", "2100-01-01", "--yes", "--db", database);
        var (compactCode, _, compactError) = await CliRunner.RunAsync("compact", "--output", _folder.File("copy.db"), "--db", database);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(3), error);
            Assert.That(error, Does.Contain("in use by another tap process"));
            Assert.That(compactCode, Is.EqualTo(3), compactError);
            Assert.That(Snapshot(), Is.EqualTo(before), "nothing deleted, truncated or created");
        });
    }

    private static readonly string[] ReadingCommands = ["list", "show", "stats", "export", "replay", "tail", "check"];

    [TestCase("sound with a log")]
    [TestCase("not a database")]
    [TestCase("truncated to 100 bytes")]
    [TestCase("truncated at a page")]
    [TestCase("flipped bytes")]
    public async Task Reading_commands_leave_every_file_byte_identical(string kind)
    {
        var database = Prepare(kind, out var someId);
        var before = Snapshot();
        foreach (var command in ReadingCommands)
        {
            string[] args = command switch
            {
                "show" or "replay" => [command, someId, "--db", database],
                _ => [command, "--db", database],
            };
            using var stop = new CancellationTokenSource(command == "tail" ? TimeSpan.FromSeconds(1.5) : TimeSpan.FromSeconds(50));
            var (exitCode, _, error) = await CliRunner.RunAsync(stop.Token, args);
            TestContext.Out.WriteLine($"{kind}: tap {command} → {exitCode} {error.Trim()}");
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.AnyOf(0, 1, 3), $"tap {command}: a documented exit code");
                Assert.That(error, Does.Not.Contain("   at "), $"tap {command}: no stack trace");
                Assert.That(Snapshot(), Is.EqualTo(before), $"tap {command} changed or created a file");
            });
        }
    }

    [Test]
    public async Task Serve_on_a_non_database_file_refuses_with_exit_3_and_leaves_it_byte_identical()
    {
        var database = Prepare("not a database", out _);
        var before = Snapshot();

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", TestEndpoints.UniquePipeName(), "--db", database);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(3), error);
            Assert.That(error, Does.Contain("is not a LiteDB database"));
            AssertOneLine(error);
            Assert.That(Snapshot(), Is.EqualTo(before), "no byte changed, no -log or lock file created");
        });
    }

    [TestCase("truncated at a page")]
    [TestCase("truncated to 100 bytes")]
    public async Task Serve_on_a_truncated_database_refuses_instead_of_listening(string kind)
    {
        var database = Prepare(kind, out _);
        var before = Snapshot();
        var pipe = TestEndpoints.UniquePipeName();

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", pipe, "--db", database);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(3), error);
            Assert.That(error, Does.Contain("damaged"));
            AssertOneLine(error);
            Assert.That(Snapshot(), Is.EqualTo(before));
            Assert.That(File.Exists(PipeEndpoint.SocketPath(pipe)), Is.False, "it never listened");
        });
    }

    [Test]
    public async Task Check_reports_a_damaged_database_and_salvage_copies_its_readable_records()
    {
        var sound = Prepare("sound", out _);
        var (soundCode, soundOutput, _) = await CliRunner.RunAsync("check", "--db", sound);
        Assert.That(soundCode, Is.Zero, soundOutput);
        Assert.That(soundOutput, Does.Contain("300 records readable, 0 unreadable, 0 damaged pages").And.Contain("sound"));

        var damaged = Prepare("truncated at a page", out _);
        var before = Snapshot();
        var (checkCode, checkOutput, checkError) = await CliRunner.RunAsync("check", "--db", damaged);
        var target = _folder.File("salvaged.db");
        var (salvageCode, salvageOutput, salvageError) = await CliRunner.RunAsync("compact", "--salvage", "--output", target, "--db", damaged);
        TestContext.Out.WriteLine(checkOutput + salvageOutput);

        using var salvaged = new RecordStore(target, readOnly: true);
        var copied = salvaged.Count();
        Assert.Multiple(() =>
        {
            Assert.That(checkCode, Is.EqualTo(3), checkOutput + checkError);
            Assert.That(checkOutput, Does.Contain("damaged"));
            Assert.That(salvageCode, Is.Zero, salvageError);
            Assert.That(copied, Is.GreaterThan(0).And.LessThan(300), "the readable part, not the lost one");
            Assert.That(salvageOutput, Does.Contain($"Salvaged {copied} executions"));
            Assert.That(Snapshot().Where(f => f.Key != "salvaged.db" && f.Key != "tap.db.lock"), Is.EqualTo(before.Where(f => f.Key != "tap.db.lock")), "the source is unchanged");
        });
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Database_and_log_files_are_owner_only()
    {
        SkipOnWindows();
        File.SetUnixFileMode(_folder.Path, (UnixFileMode)0b111_101_101);
        var database = _folder.File("tap.db");
        await using var sidecar = await TapServeProcess.StartAsync(TestEndpoints.UniquePipeName(), database);
        await Eventually.TrueAsync(() => File.Exists(Sidecar.Store.Files.DatabasePaths.Log(database)), "the log exists");

        foreach (var file in new[] { database, Sidecar.Store.Files.DatabasePaths.Log(database), Sidecar.Store.Files.DatabasePaths.Lock(database) })
        {
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), file);
        }

        if (Environment.UserName == "root" && File.Exists("/usr/sbin/runuser"))
        {
            using var cat = Process.Start(new ProcessStartInfo("/usr/sbin/runuser", ["-u", "nobody", "--", "cat", database]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var error = await cat.StandardError.ReadToEndAsync();
            await cat.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(cat.ExitCode, Is.Not.Zero, "another user cannot read the database");
            Assert.That(error, Does.Contain("Permission denied"));
        }
    }

    [Test]
    public async Task Serve_on_a_database_in_a_folder_that_does_not_exist_yet_creates_the_folder_owner_only()
    {
        // What the README's first command meets on a fresh machine: ~/.local/share/tap is not there yet.
        var database = Path.Combine(_folder.Path, "fresh", "tap", "tap.db");
        await using var sidecar = await TapServeProcess.StartAsync(TestEndpoints.UniquePipeName(), database);

        Assert.That(File.Exists(database), Is.True);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(database)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        }
    }

    private string Prepare(string kind, out string someId)
    {
        var database = _folder.File("tap.db");
        var records = Enumerable.Range(0, 300).Select(i => SampleRecords.Full(SampleRecords.BaseTime.AddSeconds(i))).ToList();
        someId = records[150].Id.ToString();
        if (kind == "not a database")
        {
            File.WriteAllText(database, string.Concat(Enumerable.Repeat("# Tap\n\nTap records the true outcome of every streamed LLM response.\n", 160)));
            return database;
        }

        if (kind == "sound with a log")
        {
            // A sidecar killed between checkpoints: records in the -log file, copied while the writer is open.
            using var open = new RecordStore(_folder.File("live.db"));
            open.Save(records);
            File.Copy(_folder.File("live.db"), database);
            File.Copy(Sidecar.Store.Files.DatabasePaths.Log(_folder.File("live.db")), Sidecar.Store.Files.DatabasePaths.Log(database));
            open.Dispose();
            File.Delete(_folder.File("live.db"));
            return database;
        }

        using (var store = new RecordStore(database))
        {
            store.Save(records);
        }

        var length = new FileInfo(database).Length;
        using var file = new FileStream(database, FileMode.Open, FileAccess.ReadWrite);
        switch (kind)
        {
            case "truncated to 100 bytes":
                file.SetLength(100);
                break;
            case "truncated at a page":
                file.SetLength(length / 2 / 8192 * 8192);
                break;
            case "flipped bytes":
                var middle = length / 2;
                var bytes = new byte[256];
                file.Position = middle;
                file.ReadExactly(bytes);
                for (var i = 0; i < bytes.Length; i++)
                {
                    bytes[i] ^= 0x5A;
                }

                file.Position = middle;
                file.Write(bytes);
                break;
        }

        return database;
    }

    private Dictionary<string, string> Snapshot() => Directory.GetFiles(_folder.Path)
        .Where(path => !path.EndsWith(".sock", StringComparison.Ordinal))
        .ToDictionary(path => Path.GetFileName(path), path => path.EndsWith(".lock", StringComparison.Ordinal)
            ? "lock file of " + new FileInfo(path).Length + " bytes" // a held lock file cannot be opened from .NET
            : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));

    private bool Stable(ref Dictionary<string, string> last)
    {
        Thread.Sleep(500);
        var now = Snapshot();
        var stable = now.Count == last.Count && !now.Except(last).Any();
        last = now;
        return stable;
    }

    private static void AssertOneLine(string error) =>
        Assert.That(error.Trim().Split('\n'), Has.Length.LessThanOrEqualTo(2), "one clear line: " + error);

    private static void SkipOnWindows()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes and flock.");
        }
    }
}
