using Tap.Sidecar.Outcome;
using Tap.Sidecar.Replay;
using Tap.Sidecar.Streams;

namespace Tap.Tests.Streams;

/// <summary>
/// No provider input can make an aggregator throw: every fixture of every format, streamed transcripts and bodies alike,
/// is cut, bit-flipped, spliced with garbage, with wrong-kind JSON, with lone surrogate escapes and with other formats'
/// bytes, a thousand times each; every mutation is parsed as a stream and as a body, and replayed to a decided record.
/// The mutations come from a fixed seed, printed, so a failure replays exactly: set <c>TAP_MUTATION_SEED</c> to try others.
/// </summary>
public class MutatedTranscriptTests
{
    private const int MutationsPerFixture = 1000;
    private const int DefaultSeed = 20261202;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("TAP_MUTATION_SEED"), out var seed) ? seed : DefaultSeed;

    public static IEnumerable<TestCaseData> Fixtures() =>
        from fixture in FixtureFiles.All()
        select new TestCaseData(fixture).SetName("Mutated " + fixture);

    [TestCaseSource(nameof(Fixtures))]
    public void Mutated_fixture_never_throws_and_always_decides(string fixture)
    {
        var original = FixtureFiles.Read(fixture);
        var format = fixture.Split('/')[0];
        var seed = Seed ^ StableHash(fixture);
        TestContext.Out.WriteLine($"TAP_MUTATION_SEED={Seed}: {fixture} mutates from Random({seed})");
        var random = new Random(seed);
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
                }, $"{fixture} mutation {i} ({contentType}), TAP_MUTATION_SEED={Seed}");
            }

            var record = TranscriptReplayer.Replay(mutated, new ReplayOptions { Format = format, ClientAbortAt = random.Next(mutated.Length + 1) });
            Assert.That(record.Status, Is.AnyOf(ExecutionStatus.Completed, ExecutionStatus.Incomplete, ExecutionStatus.Failed, ExecutionStatus.Canceled), $"{fixture} mutation {i}");
            Assert.That(record.Notes, Has.None.Contains("please report it"), $"{fixture} mutation {i}: the parser failed instead of faulting");
        }
    }

    // string.GetHashCode differs in every process; this one does not.
    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
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
                case 5:
                    // Just inside a string, a member name or a value, the JSON still parses but the text cannot be read.
                    var quote = bytes.IndexOf((byte)'"', at);
                    bytes.InsertRange(quote < 0 ? at : quote + 1, LoneSurrogates[random.Next(LoneSurrogates.Length)]);
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
        "\"item\":1"u8.ToArray(), "\"content_block\":1"u8.ToArray(), "\"candidates\":[1]"u8.ToArray(), "\"output\":[1,null]"u8.ToArray(),
        "\"text\":\"\\ud800\""u8.ToArray(), "\"content\":\"\\udc00\""u8.ToArray(), "\"delta\":\"\\ud83d\""u8.ToArray(), "\"type\":\"\\ud800\""u8.ToArray(),
    ];

    // Escaped lone surrogates parse as JSON but are not text: a high one alone, a low one alone, a high one before a
    // character that is not a low one.
    private static readonly byte[][] LoneSurrogates = ["\\ud800"u8.ToArray(), "\\udfff"u8.ToArray(), "\\udbff\\u0041"u8.ToArray()];

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
