namespace Tap.Sidecar.Store;

/// <summary>A filter over stored executions, newest first. Null filters match everything; Since is UTC (an Unspecified kind is taken as UTC).</summary>
internal sealed record RecordQuery(string? Status = null, string? Model = null, DateTime? Since = null, int Limit = 50);
