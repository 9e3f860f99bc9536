using BenchmarkDotNet.Attributes;
using Tap.Benchmarks.Fixtures;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;

namespace Tap.Benchmarks.Micro;

/// <summary>
/// <see cref="OutcomeEngine.Decide"/> over the end states of every .sse fixture, replayed whole and also cut by a
/// client abort half way, so every rule of the table that a stream can reach is taken.
/// </summary>
[MemoryDiagnoser]
public class OutcomeBenchmarks
{
    private List<ExecutionState> _states = [];

    internal static int StatesPerOperation => FixtureSet.All.Count * 2;

    [GlobalSetup]
    public void Setup() => _states = [.. FixtureSet.All.Select(f => Replay(f, abortHalfWay: false)), .. FixtureSet.All.Select(f => Replay(f, abortHalfWay: true))];

    [Benchmark(OperationsPerInvoke = 80)]
    public int Decide()
    {
        var rules = 0;
        foreach (var state in _states)
        {
            rules += OutcomeEngine.Decide(state, Finalization.Ended).Rule;
        }

        return rules;
    }

    private static ExecutionState Replay(Fixture fixture, bool abortHalfWay)
    {
        var at = DateTimeOffset.UnixEpoch;
        var state = new ExecutionState(new ExecutionStart(Guid.NewGuid(), at, fixture.Format, Stream: true));
        state.OnResponse(200, "text/event-stream", at);
        var events = abortHalfWay ? fixture.Events.Take(fixture.Events.Count / 2) : fixture.Events;
        foreach (var data in events)
        {
            state.OnChunk(data, at = at.AddMilliseconds(20));
        }

        if (abortHalfWay)
        {
            state.OnClientAborted(at);
        }
        else
        {
            state.OnUpstreamEnd(at);
        }

        state.OnEnd(0, at);
        return state;
    }
}
