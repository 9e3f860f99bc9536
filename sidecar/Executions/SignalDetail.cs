namespace Tap.Sidecar.Executions;

/// <summary>What a signal carries besides its kind and time: the response head, the error, the drain's reason, the End's dropped frames.</summary>
internal readonly record struct SignalDetail(int Status = 0, string? ContentType = null, string? ErrorKind = null, string? Message = null, int DroppedFrames = 0);
