using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Outcome;

/// <summary>The statuses and proofs as stored and printed (docs/outcomes.md).</summary>
internal static class ExecutionStatus
{
    public const string Completed = "completed";
    public const string Incomplete = "incomplete";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
    public const string Abandoned = "abandoned";

    public static IReadOnlyList<string> All { get; } = [Completed, Incomplete, Failed, Canceled, Abandoned];

    public const string ProofTerminalEvent = "terminal_event";
    public const string ProofAggregatedUsage = "aggregated_usage";
    public const string ProofNone = "none";

    public static string Of(TerminalClass terminalClass) => terminalClass switch
    {
        TerminalClass.Completed => Completed,
        TerminalClass.Incomplete => Incomplete,
        TerminalClass.Failed => Failed,
        _ => Canceled,
    };
}
