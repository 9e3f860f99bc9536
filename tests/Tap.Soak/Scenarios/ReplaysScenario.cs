namespace Tap.Soak.Scenarios;

/// <summary>
/// <c>replays</c>: the shim's connection to <c>tap serve</c> is cut every second (through <see cref="ConnectionRelay"/>)
/// while the sidecar's side stays open for 2 s more, so the shim reconnects and replays its in-flight executions at once
/// while their stale connection is still open (issue 11: an acknowledged replay overwritten with <c>abandoned</c>).
/// </summary>
internal sealed class ReplaysScenario : IScenario
{
    private ConnectionRelay? _relay;
    private string? _relayPath;

    public string GatewayEndpoint(SoakFolder folder) => _relayPath ?? folder.Socket;

    public Task PrepareAsync(SoakFolder folder)
    {
        _relayPath = Path.Combine(folder.Path, "relay.sock");
        _relay = new ConnectionRelay(_relayPath, folder.Socket, TimeSpan.FromSeconds(2));
        return Task.CompletedTask;
    }

    public async Task InjectAsync(FaultContext context)
    {
        var cuts = 0;
        var connections = 0;
        for (var at = context.Options.FaultAt; at < context.Options.Duration; at += context.Options.CutEvery)
        {
            await context.WaitUntilAsync(at);
            connections += _relay!.Drop();
            cuts++;
        }

        context.Note($"{cuts} cuts of {connections} shim connections");
    }

    public ValueTask DisposeAsync() => _relay?.DisposeAsync() ?? ValueTask.CompletedTask;
}
