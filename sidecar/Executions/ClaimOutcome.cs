namespace Tap.Sidecar.Executions;

/// <summary>What <see cref="ExecutionOwnership.TryClaim"/> decided.</summary>
internal enum ClaimOutcome
{
    /// <summary>Nobody held it: a new execution (or one recorded before, whose replay the store sorts out).</summary>
    Fresh,

    /// <summary>It waited as an orphan of a lost connection: the replay starts it again.</summary>
    Adopted,

    /// <summary>The same instance held it on another, stale, connection: that connection forgets it.</summary>
    TakenOver,

    /// <summary>Another live connection of a different (or unnamed) instance holds it: refused.</summary>
    Owned,
}
