namespace Tap.Sidecar.Control;

/// <summary>Bytes that break the control protocol: the connection that sent them is closed.</summary>
internal sealed class ControlProtocolException(string message) : Exception(message);
