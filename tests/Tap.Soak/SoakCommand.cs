using System.Globalization;

namespace Tap.Soak;

/// <summary>
/// <c>dotnet run -c Release --project tests/Tap.Soak -- restarts|outage|diskfull|replays [--runs N] [--streams N] [--seconds D]
/// [--pace-ms P] [--kills K] [--terms T] [--fault-at S] [--fault-for S] [--cut-every S] [--settle S] [--seed N] [--tap PATH] [--tap-arg X]...
/// [--gateway-arg X]... [--keep]</c>. Exit code 0 when every run was clean, 1 when one was not, 2 for bad usage.
/// </summary>
internal static class SoakCommand
{
    private const string Usage = "usage: dotnet run -c Release --project tests/Tap.Soak -- restarts|outage|diskfull|replays [--runs N] [--streams N] [--seconds D] [--pace-ms P] [--kills K] [--terms T] [--fault-at S] [--fault-for S] [--cut-every S] [--settle S] [--seed N] [--tap PATH] [--tap-arg X]... [--gateway-arg X]... [--keep]";

    public static async Task<int> RunAsync(string[] args)
    {
        SoakOptions options;
        int runs;
        try
        {
            (options, runs) = Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var clean = true;
        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"== soak {options.Scenario}, run {run} of {runs} ({DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC)");
            try
            {
                var summary = await SoakRun.RunAsync(options with { Seed = options.Seed + run - 1 });
                Console.WriteLine(summary);
                clean &= summary.Clean;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
            {
                await Console.Error.WriteLineAsync($"soak {options.Scenario} could not run: {ex.Message}");
                return 2;
            }
        }

        return clean ? 0 : 1;
    }

    private static (SoakOptions Options, int Runs) Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("restarts" or "outage" or "diskfull" or "replays"))
        {
            throw new ArgumentException("Name a scenario.");
        }

        var scenario = args[0];
        var options = scenario switch
        {
            "outage" => new SoakOptions { Scenario = scenario, Streams = 50, Duration = TimeSpan.FromSeconds(90), FaultAt = TimeSpan.FromSeconds(10), FaultFor = TimeSpan.FromSeconds(60) },
            "replays" => new SoakOptions { Scenario = scenario, Streams = 20, Duration = TimeSpan.FromSeconds(60), FaultAt = TimeSpan.FromSeconds(5) },
            "diskfull" => new SoakOptions { Scenario = scenario, Streams = 30, Duration = TimeSpan.FromSeconds(60), FaultAt = TimeSpan.FromSeconds(10), FaultFor = TimeSpan.FromSeconds(30) },
            _ => new SoakOptions { Scenario = scenario },
        };
        var runs = 1;
        var tapArgs = new List<string>();
        var gatewayArgs = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--keep")
            {
                options = options with { Keep = true };
                continue;
            }

            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--runs" => options,
                "--streams" => options with { Streams = Positive(name, value) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Positive(name, value)) },
                "--pace-ms" => options with { PaceMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--kills" => options with { Kills = int.Parse(value, CultureInfo.InvariantCulture) },
                "--terms" => options with { Terms = int.Parse(value, CultureInfo.InvariantCulture) },
                "--fault-at" => options with { FaultAt = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--fault-for" => options with { FaultFor = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--settle" => options with { Settle = TimeSpan.FromSeconds(Positive(name, value)) },
                "--cut-every" => options with { CutEvery = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--tap" => options with { TapPath = Path.GetFullPath(value) },
                "--tap-arg" => options,
                "--gateway-arg" => options,
                _ => throw new ArgumentException($"unknown option {name}"),
            };
            if (name == "--runs")
            {
                runs = Positive(name, value);
            }
            else if (name == "--tap-arg")
            {
                tapArgs.Add(value);
            }
            else if (name == "--gateway-arg")
            {
                gatewayArgs.Add(value);
            }
        }

        return (options with { TapArgs = tapArgs, GatewayArgs = gatewayArgs }, runs);
    }

    private static int Positive(string name, string value)
    {
        var number = int.Parse(value, CultureInfo.InvariantCulture);
        return number > 0 ? number : throw new ArgumentException($"{name} must be positive.");
    }
}
