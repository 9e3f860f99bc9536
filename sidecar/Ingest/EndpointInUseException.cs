namespace Tap.Sidecar.Ingest;

/// <summary>Another sidecar listens on the configured endpoint: this one must not take it over.</summary>
internal sealed class EndpointInUseException(string message) : IOException(message);
