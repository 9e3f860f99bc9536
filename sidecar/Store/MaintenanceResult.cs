namespace Tap.Sidecar.Store;

/// <summary>What one maintenance pass of <see cref="RetentionService"/> did: executions deleted by age and for size, and the files' size after it.</summary>
internal sealed record MaintenanceResult(long Expired, long Trimmed, long DatabaseBytes);
