namespace Tap.Protocol;

/// <summary>A frame that breaks docs/protocol.md; <see cref="Code"/> is what goes back in the Error message.</summary>
internal sealed class ProtocolException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
