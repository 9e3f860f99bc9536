using Tap.Sidecar.Cli;
using Tap.Tests.Support;

namespace Tap.Tests.Cli;

public class ReplayCommandTests
{
    private static readonly string TextTranscript = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "openai-chat", "text.sse");

    [Test]
    public async Task Replay_with_a_client_abort_after_the_usage_chunk_prints_a_completed_record()
    {
        var doneAt = File.ReadAllBytes(TextTranscript).AsSpan().IndexOf("data: [DONE]"u8);

        var record = await CliRunner.RunJsonAsync("replay", TextTranscript, "--format", "openai-chat", "--client-abort-at", doneAt.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.Multiple(() =>
        {
            Assert.That(record.GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(record.GetProperty("proof").GetString(), Is.EqualTo("aggregated_usage"));
            Assert.That(record.GetProperty("rule").GetInt32(), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Replay_prints_the_explanation_for_a_person_by_default()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("replay", TextTranscript, "--format", "openai-chat", "--eof-at", "900");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("FAILED (stream_interrupted)").And.Contain("neither a terminal event nor final usage"));
    }

    [Test]
    public async Task Replay_of_a_missing_file_exits_not_found()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("replay", "/nonexistent/transcript.sse", "--format", "openai-chat");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(error, Does.Contain("No such file"));
    }

    [Test]
    public async Task Replay_without_a_format_is_a_usage_error()
    {
        var (exitCode, _, _) = await CliRunner.RunAsync("replay", TextTranscript);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Usage));
    }
}
