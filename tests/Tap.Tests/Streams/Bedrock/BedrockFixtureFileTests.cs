using System.Text;

using static Tap.Tests.Streams.Bedrock.BedrockTranscripts;

namespace Tap.Tests.Streams.Bedrock;

/// <summary>
/// The Bedrock fixtures under Fixtures/ are what <see cref="AwsEventStream.EventStreamEncoder"/> writes from AWS's
/// documented framing, checksums included, kept as files so that <c>tap replay</c>, the golden records and the mutation
/// tests read them like every other provider's transcripts. After a deliberate change to a transcript:
/// <c>TAP_WRITE_BEDROCK_FIXTURES=1 dotnet test --filter BedrockFixtureFile</c>, then the golden files, then review the diff.
/// </summary>
public class BedrockFixtureFileTests
{
    private static bool Writing => Environment.GetEnvironmentVariable("TAP_WRITE_BEDROCK_FIXTURES") == "1";

    public static IEnumerable<TestCaseData> Fixtures()
    {
        yield return Fixture("bedrock-converse/text.eventstream", ConverseText());
        yield return Fixture("bedrock-converse/tool-use.eventstream", ConverseToolUse());
        yield return Fixture("bedrock-converse/max-tokens.eventstream", ConverseText("max_tokens"));
        yield return Fixture("bedrock-converse/throttled-mid-stream.eventstream", ConverseException("throttlingException", """{"message":"Too many requests, please wait before trying again."}"""));
        yield return Fixture("bedrock-converse/body.json", Encoding.UTF8.GetBytes(ConverseBody));
        yield return Fixture("bedrock-invoke-anthropic/text.eventstream", InvokeAnthropic());
    }

    [TestCaseSource(nameof(Fixtures))]
    public void The_encoder_still_writes_the_fixture_byte_for_byte(string fixture, byte[] encoded)
    {
        var path = Path.Combine(FixtureFiles.SourceRoot(), fixture);
        if (Writing)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, encoded);
        }

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(encoded), $"{fixture}: TAP_WRITE_BEDROCK_FIXTURES=1 rewrites it after a deliberate change");
    }

    private static TestCaseData Fixture(string path, byte[] encoded) => new TestCaseData(path, encoded).SetName("Bedrock fixture " + path);
}
