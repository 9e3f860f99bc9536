namespace Tap.Tests.Support;

internal static class RequestBodies
{
    /// <summary>A JSON request of about 200 KB, a long conversation as agents send, well over ASP.NET Core's 30 KB in-memory buffering.</summary>
    public static string LongConversation(string model) =>
        $$"""{"model":"{{model}}","stream":true,"messages":[{{string.Join(',', Enumerable.Range(0, 400).Select(i => $$"""{"role":"user","content":"turn {{i}} {{new string('x', 480)}}"}"""))}}]}""";
}
