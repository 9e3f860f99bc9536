namespace Tap.Sidecar.Ingest;

/// <summary>The endpoint's path holds something that is not a socket, or names the database: it is never replaced.</summary>
internal sealed class EndpointRefusedException(string message) : IOException(message);
