namespace Tap.Shim;

/// <summary>What the proxy knows about one upstream attempt when it starts.</summary>
public sealed class TapExecutionInfo
{
    /// <summary>The gateway's request id; every attempt of one request shares it.</summary>
    public string? RequestId { get; init; }

    /// <summary>1 for the first upstream attempt of a request, then 2, 3... for retries and fallbacks.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The provider API format, when the proxy knows it.</summary>
    public TapApiFormat Format { get; init; }

    /// <summary>The gateway's route or upstream cluster name.</summary>
    public string? Route { get; init; }

    /// <summary>The provider name (openai, anthropic, ...).</summary>
    public string? Provider { get; init; }

    /// <summary>The model the client asked for, when known.</summary>
    public string? RequestedModel { get; init; }

    /// <summary>Whether the client asked for a streamed response.</summary>
    public bool Stream { get; init; }

    /// <summary>The upstream request path, which lets the sidecar infer the format.</summary>
    public string? RequestPath { get; init; }

    /// <summary>The request body; sent only when <see cref="TapClientOptions.ForwardRequestBodies"/> is set, cut at its cap.</summary>
    public ReadOnlyMemory<byte> RequestBody { get; init; }

    /// <summary>
    /// The request's W3C <c>traceparent</c>, so that the sidecar's span is a child of the gateway's span; the attach
    /// points take it from the outgoing request's header, else from <see cref="System.Diagnostics.Activity.Current"/>.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>The request's W3C <c>tracestate</c>, sent with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; }
}
