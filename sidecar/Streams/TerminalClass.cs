namespace Tap.Sidecar.Streams;

/// <summary>What a provider's terminal event says about the execution.</summary>
internal enum TerminalClass
{
    Completed,
    Incomplete,
    Failed,
    Canceled,
}
