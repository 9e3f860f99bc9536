namespace Tap.Tests.Streams;

/// <summary>Reads the byte-exact provider transcripts copied next to the test assembly.</summary>
internal static class FixtureFiles
{
    public static readonly string[] OpenAIChatTranscripts =
    [
        "openai-chat/text.sse",
        "openai-chat/no-usage.sse",
        "openai-chat/tool-calls.sse",
        "openai-chat/reasoning.sse",
        "openai-chat/two-choices.sse",
        "openai-chat/keepalive.sse",
        "openai-chat/error-mid-stream.sse",
        "openai-chat/length.sse",
        "openai-chat/refusal.sse",
    ];

    public static readonly string[] AnthropicMessagesTranscripts =
    [
        "anthropic-messages/text.sse",
        "anthropic-messages/tool-calls.sse",
        "anthropic-messages/reasoning.sse",
        "anthropic-messages/keepalive.sse",
        "anthropic-messages/error-mid-stream.sse",
        "anthropic-messages/overloaded-mid-stream.sse",
        "anthropic-messages/error-after-terminal.sse",
        "anthropic-messages/incomplete.sse",
        "anthropic-messages/refusal.sse",
        "anthropic-messages/pause-turn.sse",
    ];

    public static readonly string[] GeminiTranscripts =
    [
        "gemini/text.sse",
        "gemini/tool-calls.sse",
        "gemini/reasoning.sse",
        "gemini/multiple-candidates.sse",
        "gemini/keepalive.sse",
        "gemini/error-mid-stream.sse",
        "gemini/error-after-terminal.sse",
        "gemini/incomplete.sse",
        "gemini/refusal.sse",
        "gemini/prompt-blocked.sse",
    ];

    public static readonly string[] GeminiBodies = ["gemini/body.json", "gemini/body-array.json"];

    /// <summary>Every fixture, streamed transcripts and bodies, by its path under Fixtures/; golden records left out.</summary>
    public static IEnumerable<string> All()
    {
        var root = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures");
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(IsTranscript)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>An SSE transcript, an AWS event stream or a body; not a golden record.</summary>
    public static bool IsTranscript(string path) =>
        (path.EndsWith(".sse", StringComparison.Ordinal) || path.EndsWith(".eventstream", StringComparison.Ordinal) || path.EndsWith(".json", StringComparison.Ordinal))
        && !path.EndsWith(".golden.json", StringComparison.Ordinal);

    public static byte[] Read(string relativePath) =>
        File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", relativePath));

    /// <summary>The fixtures in the source tree, so that files written by a test land where they are committed.</summary>
    public static string SourceRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tap.sln")))
        {
            directory = directory.Parent;
        }

        return directory is null
            ? Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures")
            : Path.Combine(directory.FullName, "tests", "Tap.Tests", "Fixtures");
    }
}
