namespace Tap.Sidecar.Outcome;

/// <summary>A lifecycle event with the upstream byte count at the moment it was reported.</summary>
internal sealed record ObservedSignal(string Kind, DateTimeOffset At, long AfterBytes, string? ErrorKind = null, string? Message = null)
{
    public const string Response = "response";
    public const string ClientAborted = "client_aborted";
    public const string UpstreamError = "upstream_error";
    public const string UpstreamEnd = "upstream_end";
    public const string End = "end";
    public const string DrainStarted = "drain_started";
    public const string DrainSkipped = "drain_skipped";
    public const string ConnectionLost = "connection_lost";
    public const string Shutdown = "shutdown";
    public const string ShimDropped = "shim_dropped";
}
