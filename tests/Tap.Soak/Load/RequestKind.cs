namespace Tap.Soak.Load;

/// <summary>What the client asks for, which decides the status its record must have.</summary>
internal enum RequestKind
{
    /// <summary>The provider's plain text transcript, read in full: <c>completed</c>.</summary>
    Full,

    /// <summary>The text transcript, the client disconnecting mid-stream: <c>canceled</c>, or <c>completed</c> when the proof came first.</summary>
    Abort,

    /// <summary>A transcript with a provider error event, read in full: <c>failed</c>.</summary>
    UpstreamFailure,
}

/// <summary>What the client saw.</summary>
internal enum ServedOutcome
{
    /// <summary>Status 200 and every byte of the transcript.</summary>
    ReadInFull,

    /// <summary>The client disconnected as planned.</summary>
    Aborted,

    /// <summary>A status other than 200, or a body that was not the transcript: an error of the gateway.</summary>
    GatewayError,

    /// <summary>The request failed on the wire (refused, reset, timed out) before or while the body was read.</summary>
    TransportError,
}

/// <summary>One request of the load, by its unique <c>x-request-id</c>.</summary>
internal sealed record ServedRequest(string RequestId, string Format, RequestKind Kind, ServedOutcome Outcome, string? Detail);
