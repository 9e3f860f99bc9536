using Tap.Shim;

namespace Tap.Benchmarks.Fixtures;

/// <summary>Reports a fixture through a <see cref="TapClient"/> exactly as an attach point does: Start, Response, one Chunk per event, UpstreamEnd, End.</summary>
internal static class ExecutionReplay
{
    public static TapExecution Start(TapClient client, Fixture fixture, int index)
    {
        var execution = client.StartExecution(new TapExecutionInfo
        {
            RequestId = "bench-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Format = fixture.ApiFormat,
            Route = "llm",
            Provider = "bench",
            RequestedModel = "bench-model",
            Stream = true,
            RequestPath = fixture.RequestPath,
        });
        execution.Response(200, "text/event-stream");
        return execution;
    }

    public static void Finish(TapExecution execution)
    {
        execution.UpstreamEnd();
        execution.End();
    }

    /// <summary>Frames one whole replay puts on the wire.</summary>
    public static int FrameCount(Fixture fixture) => fixture.Events.Count + 4;
}
