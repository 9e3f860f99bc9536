namespace Tap.Protocol;

internal enum SignalKind
{
    ClientAborted = 1,
    UpstreamError = 2,
    UpstreamEnd = 3,

    /// <summary>The client left and the shim keeps reading the upstream (drain on client abort); chunks after it are drained.</summary>
    DrainStarted = 4,

    /// <summary>The client left but no drain was started (the cap of concurrent drains was reached); Message says why.</summary>
    DrainSkipped = 5,
}
