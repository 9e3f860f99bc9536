using Tap.Sidecar.Outcome;
using Tap.Sidecar.Replay;
using Tap.Sidecar.Streams;

namespace Tap.Tests.Streams;

/// <summary>
/// Whatever an upstream sends, every format's parser records a reason instead of throwing: each fixture is
/// cut, bit-flipped, spliced with garbage and with other formats' bytes, thousands of times.
/// </summary>
public class MutatedTranscriptTests
{
    private const int MutationsPerFixture = 1000;

    public static IEnumerable<TestCaseData> Fixtures() =>
        from fixture in FixtureFiles.OpenAIChatTranscripts
            .Concat(FixtureFiles.AnthropicMessagesTranscripts)
            .Concat(FixtureFiles.GeminiTranscripts)
            .Concat(["openai-responses/text.sse", "openai-responses/tool-calls.sse", "openai-responses/reasoning.sse"])
        select new TestCaseData(fixture).SetName("Mutated " + fixture);

    [TestCaseSource(nameof(Fixtures))]
    public void Mutated_transcript_never_throws_and_always_decides(string fixture)
    {
        var original = FixtureFiles.Read(fixture);
        var format = fixture.Split('/')[0];
        var random = new Random(fixture.GetHashCode(StringComparison.Ordinal));
        for (var i = 0; i < MutationsPerFixture; i++)
        {
            var mutated = Mutate(original, random);
            foreach (var contentType in new[] { "text/event-stream", "application/json" })
            {
                var aggregator = AggregatorFactory.Create(format, contentType);
                Assert.DoesNotThrow(() =>
                {
                    foreach (var chunk in Chunks(mutated, random))
                    {
                        aggregator.Append(chunk, DateTimeOffset.UtcNow);
                    }

                    aggregator.CompleteUpstream(DateTimeOffset.UtcNow);
                    aggregator.BuildResponse(4096, out _);
                    aggregator.GeneratedText();
                }, $"{fixture} mutation {i} ({contentType})");
            }

            var record = TranscriptReplayer.Replay(mutated, new ReplayOptions { Format = format, ClientAbortAt = random.Next(mutated.Length + 1) });
            Assert.That(record.Status, Is.AnyOf(ExecutionStatus.Completed, ExecutionStatus.Incomplete, ExecutionStatus.Failed, ExecutionStatus.Canceled));
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 1:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.InsertRange(at, Garbage(random));
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                    break;
                case 4:
                    bytes.InsertRange(at, Splices[random.Next(Splices.Length)]);
                    break;
                default:
                    var from = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(from, Math.Min(random.Next(1, 200), bytes.Count - from)));
                    break;
            }
        }

        return [.. bytes];
    }

    private static readonly byte[][] Splices =
    [
        "\"choices\":[1]"u8.ToArray(), "\"candidates\":7"u8.ToArray(), "{\"error\":{\"message\":\"\\udc00\"}}"u8.ToArray(),
        "\"usage\":\"x\""u8.ToArray(), "\"index\":-1"u8.ToArray(), "\"index\":99999999999"u8.ToArray(), "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["u8.ToArray(),
        "\n\ndata: [DONE]\n\n"u8.ToArray(), "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"u8.ToArray(), "\"type\":\"response.completed\""u8.ToArray(),
        "\"delta\":null"u8.ToArray(), "\"content\":{\"parts\":\"no\"}"u8.ToArray(), "\"tool_calls\":[{\"index\":\"a\"}]"u8.ToArray(), [0xff, 0xfe, 0xc0, 0x80],
    ];

    private static byte[] Garbage(Random random)
    {
        var garbage = new byte[random.Next(1, 64)];
        random.NextBytes(garbage);
        return garbage;
    }

    private static IEnumerable<byte[]> Chunks(byte[] bytes, Random random)
    {
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 300), bytes.Length - offset);
            yield return bytes[offset..(offset + size)];
            offset += size;
        }
    }
}
