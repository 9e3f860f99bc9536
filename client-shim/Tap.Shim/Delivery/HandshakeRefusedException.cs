namespace Tap.Shim.Delivery;

/// <summary>The sidecar answered Hello with a refusal; the client waits its longest delay before trying again.</summary>
internal sealed class HandshakeRefusedException(string reason) : Exception(reason);
