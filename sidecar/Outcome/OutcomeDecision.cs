namespace Tap.Sidecar.Outcome;

/// <summary>What the engine decided and why: the rule that matched, its reason code, the proof and one readable sentence.</summary>
internal sealed record OutcomeDecision(
    string Status,
    string Reason,
    string Proof,
    int Rule,
    string Explanation,
    string? ErrorMessage,
    IReadOnlyList<string> Notes);
