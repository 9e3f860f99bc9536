using System.CommandLine;

namespace Tap.Sidecar.Cli;

/// <summary><c>--limit</c>/<c>-n</c>: how many executions a command prints, 1 to the sidecar's bound (tap export has none).</summary>
internal static class LimitOption
{
    public static Option<int> Create(int defaultValue)
    {
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many executions", DefaultValueFactory = _ => defaultValue };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > Control.ControlDispatcher.MaxListLimit)
            {
                result.AddError($"--limit must be between 1 and {Control.ControlDispatcher.MaxListLimit} (tap export has no limit).");
            }
        });
        return limit;
    }
}
