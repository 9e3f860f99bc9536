namespace Tap.Sidecar.Store;

/// <summary>Where and how executions are recorded.</summary>
internal sealed class StoreOptions
{
    /// <summary>Per-user data folder, so the sidecar and the CLI agree without configuration.</summary>
    public static string DefaultDatabasePath { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "tap",
        "tap.db");

    public string DatabasePath { get; set; } = DefaultDatabasePath;

    /// <summary>
    /// Records committed in one LiteDB transaction at most; bounds the time the file lock is held. Under load the writer
    /// commits what has queued up to this: 1024 sustained 14-43% more executions a second than 256 (docs/benchmarks.md).
    /// </summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>Aggregated response text kept per record; longer responses are cut and flagged truncated.</summary>
    public int MaxResponseChars { get; set; } = 65536;

    /// <summary>Request bodies can hold prompts with personal data, so they are kept only on request.</summary>
    public bool StoreRequestBodies { get; set; }

    /// <summary>Keep each execution's raw response chunks so <c>tap replay ID</c> can re-decide it; off, as they cost space and hold content.</summary>
    public bool StoreRawChunks { get; set; }

    /// <summary>Raw bytes kept per execution at most; a longer capture is cut and cannot be replayed.</summary>
    public int MaxRawChunkBytes { get; set; } = 256 * 1024;
}
