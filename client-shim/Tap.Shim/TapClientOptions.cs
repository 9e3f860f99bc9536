using Tap.Protocol;

namespace Tap.Shim;

/// <summary>Settings of a <see cref="TapClient"/>; bound from the <c>Tap</c> configuration section.</summary>
public sealed class TapClientOptions
{
    /// <summary>
    /// The sidecar's endpoint: a pipe name (default <c>tap</c>; on Linux the socket <c>/tmp/CoreFxPipe_tap</c>),
    /// or on Linux a rooted socket path such as <c>/run/tap/tap.sock</c>.
    /// </summary>
    public string Endpoint { get; set; } = ProtocolConstants.DefaultEndpoint;

    /// <summary>The gateway's name as shown in records; defaults to the process name.</summary>
    public string? GatewayName { get; set; }

    /// <summary>
    /// Most memory held for frames (their pooled arrays) while the sidecar is slow or away (default 16 MiB); beyond it the
    /// oldest executions move to the spool (<see cref="Spool"/>), or with the spool off are dropped whole and reported.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest frame payload (default 1 MiB); larger chunks are split. The sidecar may lower it in its handshake reply.</summary>
    public int MaxFrameBytes { get; set; } = ProtocolConstants.DefaultMaxFrameBytes;

    /// <summary>Whether request bodies go to the sidecar (default off).</summary>
    public bool ForwardRequestBodies { get; set; }

    /// <summary>Cap of a forwarded request body (default 64 KiB); never more than half a frame.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How long one connection attempt, handshake included, may take (default 2 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First delay between failed connection attempts (default 100 ms); it doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between connection attempts (default 5 s).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The request header that carries the gateway's request id (default <c>x-request-id</c>); without one, an id is generated.</summary>
    public string RequestIdHeader { get; set; } = "x-request-id";

    /// <summary>
    /// Routes (YARP route ids, or HttpClient names) to tap; empty taps every route. For the middleware, path
    /// prefixes such as <c>/v1/</c>.
    /// </summary>
    public IList<string> Routes { get; } = [];

    /// <summary>Keeping the upstream read after the client left, so the record carries the usage the provider billed.</summary>
    public TapDrainOptions Drain { get; set; } = new();

    /// <summary>The spool on disk for frames that cannot be delivered yet.</summary>
    public TapSpoolOptions Spool { get; set; } = new();

    /// <summary>
    /// How long disposing the client waits for buffered frames to be written (default 2 s); then a write the sidecar
    /// does not take is abandoned, what is left goes to the spool, and the client closes.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether a route (or path) is tapped.</summary>
    internal bool Taps(string? route) => Routes.Count == 0 || (route is not null && Routes.Any(r => Matches(r, route)));

    private static bool Matches(string configured, string route) => configured.StartsWith('/')
        ? route.StartsWith(configured, StringComparison.OrdinalIgnoreCase)
        : string.Equals(configured, route, StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws for settings outside their documented ranges.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            throw new ArgumentException("Tap endpoint must not be empty.", nameof(Endpoint));
        }

        if (MaxFrameBytes is < ProtocolConstants.MinMaxFrameBytes or > ProtocolConstants.MaxMaxFrameBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameBytes), MaxFrameBytes, $"Must be between {ProtocolConstants.MinMaxFrameBytes} and {ProtocolConstants.MaxMaxFrameBytes}.");
        }

        if (MaxBufferedBytes < 2L * MaxFrameBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBufferedBytes), MaxBufferedBytes, "Must hold at least two frames of MaxFrameBytes.");
        }

        if (MaxRequestBodyBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, "Must not be negative.");
        }

        Drain.Validate();
        Spool.Validate();
        if (Spool.Mode != TapSpoolMode.Off && Spool.MaxBytes < 2L * MaxFrameBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(Spool), Spool.MaxBytes, "Spool MaxBytes must hold at least two frames of MaxFrameBytes.");
        }
        if (ConnectTimeout <= TimeSpan.Zero || MinReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < MinReconnectDelay || ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), "Timeouts must be positive and MaxReconnectDelay at least MinReconnectDelay.");
        }
    }
}
