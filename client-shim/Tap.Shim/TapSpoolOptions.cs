namespace Tap.Shim;

/// <summary>
/// The spool: append-only segment files where the shim keeps frames it cannot deliver yet (sidecar away, slow or
/// pushing back), replayed in order once it is back, and left for the next process on the same folder when the
/// gateway stops or crashes. Bound from <c>Tap:Spool</c>.
/// </summary>
public sealed class TapSpoolOptions
{
    /// <summary>When frames go to disk (default <see cref="TapSpoolMode.Overflow"/>).</summary>
    public TapSpoolMode Mode { get; set; } = TapSpoolMode.Overflow;

    /// <summary>
    /// The spool folder, owner-only (0700, files 0600). Default: <c>$XDG_STATE_HOME/tap/spool/&lt;gateway name&gt;</c>
    /// (<c>~/.local/state/tap/spool/...</c>) on Linux and macOS, <c>%LOCALAPPDATA%\tap\spool\...</c> on Windows, the
    /// gateway name being <see cref="TapClientOptions.GatewayName"/> or the process name. Processes of one gateway
    /// share it: each owns its own segments and adopts those of a process that died.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Most bytes the spool's segment files may take on disk (default 1 GiB); beyond it whole executions are dropped, oldest first, and reported.</summary>
    public long MaxBytes { get; set; } = 1L << 30;

    internal string ResolvePath(string gatewayName)
    {
        if (!string.IsNullOrWhiteSpace(Path))
        {
            return System.IO.Path.GetFullPath(Path);
        }

        var root = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } state && System.IO.Path.IsPathRooted(state)
                ? state
                : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return System.IO.Path.Combine(root, "tap", "spool", SafeName(gatewayName));
    }

    internal void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Spool Mode must be Off, Overflow or Always.");
        }
    }

    private static string SafeName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var safe = new string(chars).Trim('.');
        return safe.Length == 0 ? "gateway" : safe;
    }
}
