namespace Tap.Shim;

/// <summary>A snapshot of what a <see cref="TapClient"/> has done since it was created.</summary>
/// <param name="ExecutionsStarted">Executions started by the proxy.</param>
/// <param name="ExecutionsDropped">Executions dropped whole before the sidecar had all of them (memory cap without a spool, spool full, unreadable spool records), oldest first; reported to the sidecar in loss reports as they happen, and in the handshake.</param>
/// <param name="ExecutionsAcknowledged">Executions the sidecar confirmed as recorded (their frames are then released).</param>
/// <param name="FramesQueued">Frames accepted into the buffer.</param>
/// <param name="FramesWritten">Frames written to the sidecar the first time.</param>
/// <param name="FramesReplayed">Frames written again on a new connection because their execution was not acknowledged yet.</param>
/// <param name="FramesDropped">Frames dropped with their execution.</param>
/// <param name="BytesWritten">Bytes written to the sidecar.</param>
/// <param name="BufferedBytes">Bytes held now: frames not yet written, and frames of executions not yet acknowledged.</param>
/// <param name="Connects">Successful connections (handshake accepted).</param>
/// <param name="ConnectFailures">Failed connection or handshake attempts.</param>
/// <param name="IsConnected">Whether a connection is up now.</param>
public readonly record struct TapClientCounters(
    long ExecutionsStarted,
    long ExecutionsDropped,
    long ExecutionsAcknowledged,
    long FramesQueued,
    long FramesWritten,
    long FramesReplayed,
    long FramesDropped,
    long BytesWritten,
    long BufferedBytes,
    long Connects,
    long ConnectFailures,
    bool IsConnected)
{
    /// <summary>Bytes the spool's segment files take on disk now.</summary>
    public long SpoolBytes { get; init; }

    /// <summary>Frames written to the spool (over the memory cap, at shutdown, or every frame with <see cref="TapSpoolMode.Always"/>).</summary>
    public long FramesSpilled { get; init; }

    /// <summary>Frames read back from the spool and written to the sidecar.</summary>
    public long FramesReadFromSpool { get; init; }

    /// <summary>Executions found in the spool of a process that had stopped or crashed, delivered by this client.</summary>
    public long ExecutionsAdopted { get; init; }

    /// <summary>Spool segments with a torn or corrupt record, whose rest was skipped.</summary>
    public long SpoolCorruptSegments { get; init; }

    /// <summary>Loss reports (executions dropped whole) the sidecar confirmed as recorded.</summary>
    public long LossReportsAcknowledged { get; init; }
}
