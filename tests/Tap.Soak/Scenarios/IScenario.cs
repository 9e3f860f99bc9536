using System.Diagnostics;
using System.Globalization;
using Tap.Soak.Hosts;

namespace Tap.Soak.Scenarios;

/// <summary>The faults of one scenario: set up before the hosts start, injected while the load runs.</summary>
internal interface IScenario : IAsyncDisposable
{
    Task PrepareAsync(SoakFolder folder) => Task.CompletedTask;

    /// <summary>Where the gateway's shim connects: the sidecar's socket, unless the scenario stands in between.</summary>
    string GatewayEndpoint(SoakFolder folder) => folder.Socket;

    /// <summary>Injects the faults; returns with <c>tap serve</c> running again.</summary>
    Task InjectAsync(FaultContext context);

    ValueTask IAsyncDisposable.DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>What a scenario acts on, and the timeline it writes.</summary>
internal sealed class FaultContext(TapServe tap, SoakOptions options, Stopwatch clock)
{
    private readonly List<string> _timeline = [];

    public TapServe Tap => tap;

    public SoakOptions Options => options;

    public Random Random { get; } = new(options.Seed);

    public string Timeline
    {
        get
        {
            lock (_timeline)
            {
                return string.Join("; ", _timeline);
            }
        }
    }

    /// <summary>Waits until <paramref name="at"/> after the load began.</summary>
    public Task WaitUntilAsync(TimeSpan at) => at > clock.Elapsed ? Task.Delay(at - clock.Elapsed) : Task.CompletedTask;

    public void Note(string what)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"+{clock.Elapsed.TotalSeconds:0.0} s {what}");
        lock (_timeline)
        {
            _timeline.Add(line);
            options.Log.WriteLine("  " + line);
        }
    }
}
