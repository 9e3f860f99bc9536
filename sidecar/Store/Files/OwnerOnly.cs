namespace Tap.Sidecar.Store.Files;

/// <summary>
/// Files Tap creates hold response text: on Unix they are created readable and writable by their owner only (the
/// mode is given to open(2), so no byte is ever written under a wider mode). Existing files keep their mode.
/// </summary>
internal static class OwnerOnly
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static FileStreamOptions Options(FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = 0 };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open)
        {
            options.UnixCreateMode = Mode;
        }

        return options;
    }

    /// <summary>True when others than the owner and the group may read <paramref name="path"/> (Unix only).</summary>
    public static bool IsWorldReadable(string path) =>
        !OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.OtherRead) != 0;
}
