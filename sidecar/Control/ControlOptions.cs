namespace Tap.Sidecar.Control;

/// <summary>The control endpoint the CLI queries while the sidecar runs (configuration section <c>Tap:Control</c>).</summary>
internal sealed class ControlOptions
{
    /// <summary>Off: the CLI cannot read the database while the sidecar runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A request is a command and a filter: anything larger is not from the tap CLI.</summary>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>Largest response; a larger one is refused with <c>response_too_large</c> (ask for fewer records).</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How long a connection may stay silent before its next request.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections served at once; more wait to be accepted.</summary>
    public int MaxConnections { get; set; } = 4;
}
