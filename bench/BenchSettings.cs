using System.Globalization;

namespace Tap.Benchmarks;

/// <summary>
/// How long and how big each measurement is: <c>quick</c> checks the harness in under two minutes, <c>full</c> is the one to publish.
/// The warm-ups run each host until tiered compilation has settled: a fresh sidecar without its store needs about
/// 60,000 executions to come down from 146 to 38 µs of CPU per execution (measured in slices of 20,000; it spends
/// a sixth of its CPU in the JIT meanwhile), and a sidecar or gateway runs for months, so steady state is what counts.
/// Except after a restart: the cold-start section replays 1 + <c>ColdSlices</c> slices of 10,000 executions into a fresh
/// <c>tap serve</c>, and with <c>ColdVariants</c> also tries runtime settings beside the build and the ReadyToRun publish.
/// </summary>
internal sealed record BenchSettings(
    string Name,
    bool QuickMicro,
    int GatewayRounds,
    TimeSpan GatewayRoundDuration,
    int IngestExecutions,
    int IngestRepetitions,
    int InFlightExecutions,
    int ScaleExecutions,
    TimeSpan GatewayWarmUp,
    int WarmUpExecutions,
    int ColdSlices,
    bool ColdVariants)
{
    public static BenchSettings Quick { get; } = new("quick", QuickMicro: true, GatewayRounds: 2, TimeSpan.FromSeconds(0.75), IngestExecutions: 3_000, IngestRepetitions: 1, InFlightExecutions: 10_000, ScaleExecutions: 1_000, GatewayWarmUp: TimeSpan.FromSeconds(1), WarmUpExecutions: 2_000, ColdSlices: 2, ColdVariants: false);

    public static BenchSettings Full { get; } = new("full", QuickMicro: false, GatewayRounds: 4, TimeSpan.FromSeconds(3), IngestExecutions: 20_000, IngestRepetitions: 3, InFlightExecutions: 10_000, ScaleExecutions: ScaleExecutionsOr(30_000), GatewayWarmUp: TimeSpan.FromSeconds(5), WarmUpExecutions: 40_000, ColdSlices: 7, ColdVariants: true);

    /// <summary>The concurrent streams of the gateway measurement.</summary>
    public static IReadOnlyList<int> GatewayConcurrency { get; } = [1, 16, 128];

    // TAP_BENCH_SCALE_EXECUTIONS lengthens each row of the cost per execution, long enough to profile the sidecar in it.
    private static int ScaleExecutionsOr(int executions) =>
        Environment.GetEnvironmentVariable("TAP_BENCH_SCALE_EXECUTIONS") is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : executions;

    /// <summary>
    /// The concurrent streams of the cost-per-execution measurement; <c>TAP_BENCH_SCALE_STREAMS=1,1000</c> measures only those,
    /// to weigh a runtime setting at the ends of the range in a third of the time.
    /// </summary>
    public static IReadOnlyList<int> ScaleConcurrency { get; } =
        Environment.GetEnvironmentVariable("TAP_BENCH_SCALE_STREAMS") is { Length: > 0 } streams
            ? [.. streams.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
            : [1, 10, 100, 1000];
}
