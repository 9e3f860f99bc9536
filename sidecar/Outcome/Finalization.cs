namespace Tap.Sidecar.Outcome;

/// <summary>How an execution came to be decided.</summary>
internal enum Finalization
{
    /// <summary>The proxy sent End.</summary>
    Ended,

    /// <summary>The proxy's connection was lost before End.</summary>
    ConnectionLost,

    /// <summary>The sidecar is shutting down before End.</summary>
    Shutdown,

    /// <summary>The shim dropped the rest of the execution because its buffer was full.</summary>
    ShimDropped,
}
