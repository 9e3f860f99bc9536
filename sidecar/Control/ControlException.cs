namespace Tap.Sidecar.Control;

/// <summary>The sidecar answered a control request with an error, or the conversation broke.</summary>
internal sealed class ControlException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
