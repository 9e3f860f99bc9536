namespace Tap.Soak;

/// <summary>One soak run: the scenario, the load, and what to run as <c>tap</c>.</summary>
internal sealed record SoakOptions
{
    public required string Scenario { get; init; }

    /// <summary>Concurrent client streams, each sending its next request when the last one ends.</summary>
    public int Streams { get; init; } = 50;

    /// <summary>How long the clients send requests; the faults happen inside this time.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The fake provider's pause between SSE events (a model's pace).</summary>
    public int PaceMs { get; init; } = 20;

    /// <summary>Share of requests whose client disconnects mid-stream.</summary>
    public double AbortShare { get; init; } = 0.10;

    /// <summary>Share of requests the provider answers with a transcript that fails mid-stream (its error event).</summary>
    public double FailShare { get; init; } = 0.05;

    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>restarts: SIGKILLs and SIGTERMs of tap serve, spread over the run in a random order.</summary>
    public int Kills { get; init; } = 3;

    public int Terms { get; init; } = 1;

    /// <summary>restarts: each stopped sidecar is started again after a random pause in this range.</summary>
    public TimeSpan MinRestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>outage and diskfull: when the fault begins, and how long it lasts.</summary>
    public TimeSpan FaultAt { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan FaultFor { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The records are read once the recorded count has not moved and the sidecar stayed idle for this long (bounded by
    /// <see cref="MaxSettle"/>): longer than the shim's longest pause between reconnects (5 s by default).
    /// </summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan MaxSettle { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>replays: how often the shim's connection is cut.</summary>
    public TimeSpan CutEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A published tap (apphost or tap.dll); the one built beside the harness otherwise.</summary>
    public string? TapPath { get; init; }

    public IReadOnlyList<string> TapArgs { get; init; } = [];

    public IReadOnlyList<string> GatewayArgs { get; init; } = [];

    /// <summary>Keep the run folder (logs, database, spool) instead of deleting it.</summary>
    public bool Keep { get; init; }

    /// <summary>Where the timeline goes as the run proceeds.</summary>
    public TextWriter Log { get; init; } = Console.Out;
}
