namespace Tap.Soak.Scenarios;

/// <summary><c>outage</c>: <c>tap serve</c> stopped (SIGTERM) for a long while under load, then started again.</summary>
internal sealed class OutageScenario : IScenario
{
    public async Task InjectAsync(FaultContext context)
    {
        await context.WaitUntilAsync(context.Options.FaultAt);
        context.Note("SIGTERM");
        await context.Tap.TerminateAsync();
        context.Note("exited");
        await context.WaitUntilAsync(context.Options.FaultAt + context.Options.FaultFor);
        await context.Tap.StartAsync();
        context.Note("started");
    }
}
