namespace Tap.Sidecar.Store;

/// <summary>How long and how much the sidecar keeps (configuration section <c>Tap:Store</c>, beside <see cref="StoreOptions"/>).</summary>
internal sealed class RetentionOptions
{
    /// <summary>Executions started longer ago are deleted; 0 keeps them forever.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>
    /// When the data and log files together grow past this, the oldest tenth of the executions is deleted; 0 means no
    /// limit. LiteDB reuses freed pages but never shrinks the file (see <c>tap compact</c>).
    /// </summary>
    public int MaxDatabaseMegabytes { get; set; } = 1024;

    /// <summary>How often retention runs and the log file is checkpointed into the data file.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(5);
}
