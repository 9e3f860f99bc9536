namespace Tap.Sidecar.Store;

/// <summary>A filter over stored executions, newest first. Null filters match everything.</summary>
internal sealed record RecordQuery(string? Status = null, string? Model = null, DateTime? Since = null, int Limit = 50);
