namespace Tap.Soak.Load;

/// <summary>The four API formats as the load sends them, with the transcript the fake provider answers with.</summary>
internal sealed record SoakFormat(string Name, string Path, string Body, string FailureFixture)
{
    public static IReadOnlyList<SoakFormat> All { get; } =
    [
        new("openai-chat", "/v1/chat/completions", """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""", "error-mid-stream"),
        new("openai-responses", "/v1/responses", """{"model":"gpt-4o","stream":true,"input":"hi"}""", "error-event"),
        new("anthropic-messages", "/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", "error-mid-stream"),
        new("gemini", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""", "error-mid-stream"),
    ];

    /// <summary>The bytes a client reading in full must receive.</summary>
    public int Length(RequestKind kind) => Lengths[(Name, kind == RequestKind.UpstreamFailure ? FailureFixture : "text")];

    private static readonly Dictionary<(string, string), int> Lengths = All
        .SelectMany(f => new[] { (f.Name, "text"), (f.Name, f.FailureFixture) })
        .ToDictionary(k => k, k => (int)new FileInfo(System.IO.Path.Combine(Hosts.Binaries.Fixtures, k.Item1, k.Item2 + ".sse")).Length);
}
