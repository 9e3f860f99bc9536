namespace Tap.Shim;

/// <summary>
/// Drain on client abort: when the client leaves mid-stream, the shim keeps reading the upstream in the
/// background up to its end, within a time and byte budget, so the record carries the usage the provider
/// really billed. The status stays canceled unless the client had already received the proof. Off by default:
/// it keeps an upstream connection and its tokens flowing after nobody waits for them.
/// </summary>
public sealed class TapDrainOptions
{
    /// <summary>Whether draining is on (default off).</summary>
    public bool Enabled { get; set; }

    /// <summary>Routes to drain; empty drains every tapped route when <see cref="Enabled"/>.</summary>
    public IList<string> Routes { get; } = [];

    /// <summary>Longest a drain may read after the client left (default 30 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most bytes a drain may read after the client left (default 4 MiB).</summary>
    public long MaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Drains running at once at most (default 16); over the cap, the upstream is closed at once.</summary>
    public int MaxConcurrent { get; set; } = 16;

    internal bool Drains(string? route) =>
        Enabled && (Routes.Count == 0 || (route is not null && Routes.Contains(route, StringComparer.OrdinalIgnoreCase)));

    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero || MaxBytes <= 0 || MaxConcurrent < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TapClientOptions.Drain), "Drain Timeout and MaxBytes must be positive and MaxConcurrent at least 1.");
        }
    }
}
