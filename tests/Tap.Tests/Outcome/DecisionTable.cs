using System.Text;
using Tap.Sidecar.Records;
using Tap.Sidecar.Replay;
using Tap.Tests.Streams;

namespace Tap.Tests.Outcome;

/// <summary>What every format's decision-table tests share: replaying a fixture and checking the row that decided.</summary>
internal static class DecisionTable
{
    public static ExecutionRecord ReplayFixture(string fixture, ReplayOptions options) => TranscriptReplayer.Replay(FixtureFiles.Read(fixture), options);

    public static int IndexOf(byte[] transcript, string text, int from = 0) =>
        from + transcript.AsSpan(from).IndexOf(Encoding.UTF8.GetBytes(text));

    public static void AssertOutcome(ExecutionRecord record, string status, string reason, string proof, int rule)
    {
        Assert.That((record.Status, record.Reason, record.Proof, record.Rule), Is.EqualTo((status, reason, proof, rule)), record.Explanation);
        Assert.That(record.Explanation, Does.StartWith(char.ToUpperInvariant(status[0]) + status[1..] + ":"));
    }
}
