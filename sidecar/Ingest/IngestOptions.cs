using System.Text;
using Tap.Protocol;

namespace Tap.Sidecar.Ingest;

/// <summary>The pipe the sidecar listens on (configuration section <c>Tap:Ingest</c>).</summary>
internal sealed class IngestOptions
{
    // sockaddr_un.sun_path is 108 bytes on Linux, one of them the terminating zero.
    private const int MaxSocketPathBytes = 107;

    /// <summary>Pipe name, or on Linux a rooted socket path. Default <c>tap</c> (the socket /tmp/CoreFxPipe_tap).</summary>
    public string Endpoint { get; set; } = ProtocolConstants.DefaultEndpoint;

    /// <summary>Largest frame payload accepted; a longer declared length closes the connection.</summary>
    public int MaxFrameBytes { get; set; } = ProtocolConstants.DefaultMaxFrameBytes;

    /// <summary>Concurrent accept loops, so a burst of connecting proxies is not served one by one.</summary>
    public int AcceptLoops { get; set; } = 2;

    /// <summary>How long a new connection may take to send Hello.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Linux: a group whose members may connect too (the socket becomes 0660); default none, owner only (0600).</summary>
    public string? SocketGroup { get; set; }

    /// <summary>Windows: the accounts (besides the sidecar's own) granted read/write on the pipe; default none.</summary>
    public IList<string> AllowedAccounts { get; } = [];

    /// <summary>How long the executions of a lost connection wait for their shim to reconnect and replay them (default 10 s).</summary>
    public TimeSpan ResumeGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Executions in flight on one connection; more is a protocol error (a leaking or hostile client).</summary>
    public int MaxExecutionsPerConnection { get; set; } = 100_000;

    /// <summary>Shim connections served at once; one more is closed at once with <c>too_many_connections</c> (default 256).</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>How long a frame may take to arrive whole once its first byte did, after Hello; then <c>frame_timeout</c> closes the connection (default 30 s).</summary>
    public TimeSpan FrameTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bytes of frames in progress over all connections together (default 64 MiB). A connection whose next frame does
    /// not fit waits, and its shim with it, until other frames complete or time out. Frames up to 64 KiB never wait.
    /// </summary>
    public long MaxPartialFrameBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Throws the first configuration error; <see cref="IngestOptionsValidator"/> reports them all at start.</summary>
    public void Validate()
    {
        if (Errors().FirstOrDefault() is { } error)
        {
            throw new InvalidOperationException(error);
        }
    }

    public IEnumerable<string> Errors()
    {
        if (EndpointName.Problem(Endpoint) is { } problem)
        {
            yield return $"Tap:Ingest:Endpoint {problem}.";
        }
        else if (!OperatingSystem.IsWindows() && Encoding.UTF8.GetByteCount(PipeEndpoint.SocketPath(ControlEndpoint.For(Endpoint))) > MaxSocketPathBytes)
        {
            yield return $"Tap:Ingest:Endpoint '{Endpoint}' is too long: its control socket {PipeEndpoint.SocketPath(ControlEndpoint.For(Endpoint))} must fit the {MaxSocketPathBytes} bytes of a Unix socket address.";
        }

        if (MaxFrameBytes is < ProtocolConstants.MinMaxFrameBytes or > ProtocolConstants.MaxMaxFrameBytes)
        {
            yield return $"Tap:Ingest:MaxFrameBytes must be between {ProtocolConstants.MinMaxFrameBytes} and {ProtocolConstants.MaxMaxFrameBytes}.";
        }

        if (AcceptLoops is < 1 or > 64 || HandshakeTimeout <= TimeSpan.Zero || MaxExecutionsPerConnection < 1)
        {
            yield return "Tap:Ingest: AcceptLoops must be 1-64, HandshakeTimeout and MaxExecutionsPerConnection positive.";
        }

        if (MaxConnections is < 1 or > 100_000 || FrameTimeout <= TimeSpan.Zero)
        {
            yield return "Tap:Ingest: MaxConnections must be 1-100000 and FrameTimeout positive.";
        }

        if (MaxPartialFrameBytes < (long)MaxFrameBytes + ProtocolConstants.LengthPrefixBytes)
        {
            yield return $"Tap:Ingest:MaxPartialFrameBytes must hold at least one whole frame (MaxFrameBytes + {ProtocolConstants.LengthPrefixBytes}).";
        }
    }
}
