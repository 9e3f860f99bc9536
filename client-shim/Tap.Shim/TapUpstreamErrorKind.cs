namespace Tap.Shim;

/// <summary>How reading the upstream response failed.</summary>
public enum TapUpstreamErrorKind
{
    /// <summary>Any other failure.</summary>
    Other,

    /// <summary>The upstream connection was reset or closed mid-response.</summary>
    ConnectionReset,

    /// <summary>The upstream did not answer in time.</summary>
    Timeout,

    /// <summary>The upstream sent bytes that are not a valid HTTP response.</summary>
    MalformedResponse,
}
