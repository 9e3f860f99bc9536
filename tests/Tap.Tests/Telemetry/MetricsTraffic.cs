using Tap.Shim;
using Tap.Tests.Streams;

namespace Tap.Tests.Telemetry;

/// <summary>
/// Executions of known outcomes, reported through the real shim (<see cref="TapClient"/>) from the recorded OpenAI chat
/// transcript (17 output tokens): what the metrics tests count.
/// </summary>
internal static class MetricsTraffic
{
    public const string Gateway = "metrics-gateway";
    public const string Model = "gpt-4o";

    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");
    private static readonly int DoneAt = Transcript.AsSpan().IndexOf("data: [DONE]"u8);

    /// <summary>Whole: completed / terminal_event, with usage.</summary>
    public static void Completed(TapClient client, string requestId) => Report(client, requestId, Transcript.Length, e => e.UpstreamEnd());

    /// <summary>Client gone after the usage chunk: completed / final_usage_seen, with usage.</summary>
    public static void CompletedByUsage(TapClient client, string requestId) => Report(client, requestId, DoneAt, e => e.ClientAborted());

    /// <summary>Client gone mid-stream: canceled / client_aborted.</summary>
    public static void Canceled(TapClient client, string requestId) => Report(client, requestId, Transcript.Length / 3, e => e.ClientAborted());

    /// <summary>Connection reset mid-stream: failed / upstream_error.</summary>
    public static void Failed(TapClient client, string requestId) =>
        Report(client, requestId, Transcript.Length / 2, e => e.UpstreamError(TapUpstreamErrorKind.ConnectionReset, "Connection reset by peer"));

    public static TapClient Client(string pipe) => new(new TapClientOptions { Endpoint = pipe, GatewayName = Gateway });

    private static void Report(TapClient client, string requestId, int upTo, Action<TapExecution> then)
    {
        using var execution = client.StartExecution(new TapExecutionInfo
        {
            RequestId = requestId,
            Format = TapApiFormat.OpenAIChatCompletions,
            Route = "chat",
            Provider = "openai",
            RequestedModel = Model,
            Stream = true,
        });
        execution.Response(200, "text/event-stream");
        for (var offset = 0; offset < upTo; offset += 97)
        {
            execution.Chunk(Transcript.AsSpan(offset, Math.Min(97, upTo - offset)));
        }

        then(execution);
    }
}
