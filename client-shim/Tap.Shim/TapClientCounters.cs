namespace Tap.Shim;

/// <summary>A snapshot of what a <see cref="TapClient"/> has done since it was created.</summary>
/// <param name="ExecutionsStarted">Executions started by the proxy.</param>
/// <param name="ExecutionsDropped">Executions dropped whole because the buffer was full (oldest first); reported to the sidecar at the next handshake.</param>
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
    bool IsConnected);
