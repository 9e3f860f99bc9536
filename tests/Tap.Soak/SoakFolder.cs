namespace Tap.Soak;

/// <summary>The run's own folder: socket, database, spool and the hosts' logs, so runs never share anything.</summary>
internal sealed class SoakFolder : IDisposable
{
    private readonly bool _keep;

    public SoakFolder(bool keep)
    {
        _keep = keep;

        // Short: a Unix socket path must fit in 108 bytes.
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tap-soak", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
        DatabaseFolder = Path;
    }

    public string Path { get; }

    /// <summary>The folder holding the database: the run folder, or a tmpfs mounted inside it.</summary>
    public string DatabaseFolder { get; set; }

    public string Socket => System.IO.Path.Combine(Path, "tap.sock");

    public string Database => System.IO.Path.Combine(DatabaseFolder, "tap.db");

    public void Dispose()
    {
        if (_keep)
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A mount still busy: the OS cleans the temp folder later, and the summary is already printed.
        }
    }
}
