namespace Tap.Soak.Scenarios;

/// <summary>
/// <c>restarts</c>: SIGKILLs and SIGTERMs of <c>tap serve</c> in a random order, spread evenly over the run, each
/// sidecar started again after a random 1-5 s (issue 11: 3×SIGKILL + 1×SIGTERM under 50 streams for 60 s).
/// </summary>
internal sealed class RestartsScenario : IScenario
{
    public async Task InjectAsync(FaultContext context)
    {
        var options = context.Options;
        var faults = Enumerable.Repeat(true, options.Kills).Concat(Enumerable.Repeat(false, options.Terms)).OrderBy(_ => context.Random.Next()).ToList();
        for (var i = 0; i < faults.Count; i++)
        {
            await context.WaitUntilAsync(options.Duration * (i + 1) / (faults.Count + 1));
            if (faults[i])
            {
                await context.Tap.KillAsync();
                context.Note("SIGKILL");
            }
            else
            {
                context.Note("SIGTERM");
                await context.Tap.TerminateAsync();
                context.Note("exited");
            }

            var pause = options.MinRestartDelay + ((options.MaxRestartDelay - options.MinRestartDelay) * context.Random.NextDouble());
            await Task.Delay(pause);
            await context.Tap.StartAsync();
            context.Note("started");
        }
    }
}
