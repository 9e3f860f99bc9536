namespace Tap.Benchmarks.Fixtures;

/// <summary>The streamed transcripts of tests/Tap.Tests/Fixtures, copied beside the benchmark assembly.</summary>
internal static class FixtureSet
{
    public static readonly string[] Formats = ["openai-chat", "openai-responses", "anthropic-messages", "gemini"];

    private static readonly Lazy<IReadOnlyList<Fixture>> Loaded = new(Load);

    /// <summary>Every .sse transcript of every format, in a stable order.</summary>
    public static IReadOnlyList<Fixture> All => Loaded.Value;

    public static IReadOnlyList<Fixture> Of(string format) => [.. All.Where(f => f.Format == format)];

    /// <summary>The plain text answer of a format: what most streams look like.</summary>
    public static Fixture Text(string format) => All.Single(f => f.Format == format && f.Name == "text.sse");

    private static List<Fixture> Load()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        return
        [
            .. Formats.SelectMany(format => Directory.GetFiles(Path.Combine(root, format), "*.sse")
                .Order(StringComparer.Ordinal)
                .Select(file =>
                {
                    var bytes = File.ReadAllBytes(file);
                    return new Fixture(format, Path.GetFileName(file), bytes, SplitEvents(bytes));
                })),
        ];
    }

    /// <summary>Cuts after each blank line (LF LF or CRLF CRLF), as the fake providers of the tests do.</summary>
    private static List<byte[]> SplitEvents(byte[] transcript)
    {
        var events = new List<byte[]>();
        var start = 0;
        for (var i = 1; i < transcript.Length; i++)
        {
            if (transcript[i] == '\n' && (transcript[i - 1] == '\n' || (i > 2 && transcript[i - 1] == '\r' && transcript[i - 2] == '\n')))
            {
                events.Add(transcript[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < transcript.Length)
        {
            events.Add(transcript[start..]);
        }

        return events;
    }
}
