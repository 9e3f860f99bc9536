namespace Tap.Shim;

/// <summary>When the shim writes frames to its spool on disk (<see cref="TapSpoolOptions.Mode"/>).</summary>
public enum TapSpoolMode
{
    /// <summary>Memory only: over <see cref="TapClientOptions.MaxBufferedBytes"/>, whole executions are dropped and counted.</summary>
    Off,

    /// <summary>
    /// The default: frames stay in memory while they can be delivered; over the memory cap the oldest executions
    /// move to disk, and whatever is not acknowledged when the client is disposed is left there for the next process.
    /// </summary>
    Overflow,

    /// <summary>
    /// Write-ahead: every frame is written to the spool (handed to the operating system, not fsynced) before it is
    /// sent, so a killed gateway process loses nothing that reached the spool.
    /// </summary>
    Always,
}
