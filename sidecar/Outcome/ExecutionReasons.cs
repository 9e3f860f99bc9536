namespace Tap.Sidecar.Outcome;

/// <summary>The reason codes the decision table gives (docs/outcomes.md), as stored, printed and filtered on.</summary>
internal static class ExecutionReasons
{
    public const string UpstreamHttpError = "upstream_http_error";
    public const string TerminalEvent = "terminal_event";
    public const string ProviderIncomplete = "provider_incomplete";
    public const string ProviderError = "provider_error";
    public const string ProviderCanceled = "provider_canceled";
    public const string UpstreamError = "upstream_error";
    public const string MalformedStream = "malformed_stream";
    public const string FinalUsageSeen = "final_usage_seen";
    public const string ClientAborted = "client_aborted";
    public const string StreamInterrupted = "stream_interrupted";
    public const string ProxyConnectionLost = "proxy_connection_lost";
    public const string SidecarShutdown = "sidecar_shutdown";
    public const string ShimDropped = "shim_dropped";
    public const string NoUpstreamResponse = "no_upstream_response";
    public const string EndedBeforeUpstreamEnd = "ended_before_upstream_end";

    /// <summary>In the order of the rules that give them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        UpstreamHttpError, TerminalEvent, ProviderIncomplete, ProviderError, ProviderCanceled, UpstreamError, MalformedStream,
        FinalUsageSeen, ClientAborted, StreamInterrupted, ProxyConnectionLost, SidecarShutdown, ShimDropped, NoUpstreamResponse,
        EndedBeforeUpstreamEnd,
    ];
}
