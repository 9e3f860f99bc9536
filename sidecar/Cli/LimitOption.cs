using System.CommandLine;

namespace Tap.Sidecar.Cli;

/// <summary><c>--limit</c>/<c>-n</c>: how many executions a command prints, at least 1.</summary>
internal static class LimitOption
{
    public static Option<int> Create(int defaultValue)
    {
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many executions", DefaultValueFactory = _ => defaultValue };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be at least 1.");
            }
        });
        return limit;
    }
}
