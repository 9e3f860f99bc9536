namespace Tap.Shim;

/// <summary>A snapshot of what a <see cref="TapClient"/> has done since it was created.</summary>
/// <param name="ExecutionsStarted">Executions started by the proxy.</param>
/// <param name="ExecutionsDropped">Executions dropped whole: their Start did not fit in the buffer.</param>
/// <param name="ExecutionsIncomplete">Executions that lost some frames after their Start.</param>
/// <param name="ExecutionsAcknowledged">Executions the sidecar confirmed as recorded.</param>
/// <param name="FramesQueued">Frames accepted into the buffer.</param>
/// <param name="FramesWritten">Frames written to the sidecar.</param>
/// <param name="FramesDropped">Frames dropped: buffer full, or lost with a broken connection.</param>
/// <param name="BytesWritten">Bytes written to the sidecar.</param>
/// <param name="BufferedBytes">Memory the buffer holds now: the pooled arrays of the frames waiting in it.</param>
/// <param name="Connects">Successful connections (handshake accepted).</param>
/// <param name="ConnectFailures">Failed connection or handshake attempts.</param>
/// <param name="IsConnected">Whether a connection is up now.</param>
public readonly record struct TapClientCounters(
    long ExecutionsStarted,
    long ExecutionsDropped,
    long ExecutionsIncomplete,
    long ExecutionsAcknowledged,
    long FramesQueued,
    long FramesWritten,
    long FramesDropped,
    long BytesWritten,
    long BufferedBytes,
    long Connects,
    long ConnectFailures,
    bool IsConnected);
