namespace Tap.Sidecar.Store.Files;

/// <summary>A database file Tap will not open, with one line that says why; nothing was written to it.</summary>
internal sealed class DatabaseRefusedException(DatabaseRefusal refusal, string message, Exception? inner = null)
    : IOException(message, inner)
{
    public DatabaseRefusal Refusal { get; } = refusal;
}
