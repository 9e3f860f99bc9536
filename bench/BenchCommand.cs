using Tap.Benchmarks.ColdStart;
using Tap.Benchmarks.Gateway;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Ingest;
using Tap.Benchmarks.Memory;
using Tap.Benchmarks.Micro;
using Tap.Benchmarks.Reporting;
using Tap.Benchmarks.Shim;

namespace Tap.Benchmarks;

/// <summary>
/// <c>quick</c> or <c>full</c>, optionally <c>--only micro,gateway,spool,ingest,store,cold,memory,shim,shim-gateways,shim-micro,sidecar-runtime,sidecar-paths</c>. The hidden <c>role</c>
/// command is how the harness starts its own child processes (provider, gateways, sidecar, drain).
/// </summary>
internal static class BenchCommand
{
    private static readonly string[] Sections = ["micro", "gateway", "spool", "ingest", "store", "cold", "memory", "shim", "shim-gateways", "shim-micro", "sidecar-runtime", "sidecar-paths"];

    // shim, shim-gateways and shim-micro repeat parts of gateway and micro, for measuring one change to the shim: only when named.
    private static readonly string[] Default = ["micro", "gateway", "spool", "ingest", "store", "cold", "memory"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["store-allocations"])
        {
            return StoreAllocations.Run();
        }

        if (args is ["role", var role, .. var roleArgs])
        {
            return await RoleHost.RunAsync(role, RoleArgs.Parse(roleArgs));
        }

        if (args.Length == 0 || args[0] is not ("quick" or "full"))
        {
            await Console.Error.WriteLineAsync("usage: dotnet run -c Release --project bench -- quick|full [--only micro,gateway,spool,ingest,store,cold,memory,shim,shim-gateways,shim-micro,sidecar-runtime,sidecar-paths] | store-allocations");
            return 2;
        }

        var settings = args[0] == "full" ? BenchSettings.Full : BenchSettings.Quick;
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',') ?? Default;
        var unknown = only.Except(Sections).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"unknown section(s): {string.Join(", ", unknown)}");
            return 2;
        }

        var report = new BenchReport(settings, string.Join(' ', args));
        using var load = LoadSampler.Start();
        foreach (var section in Sections.Where(only.Contains))
        {
            Console.WriteLine($"== {section} ({DateTime.UtcNow:HH:mm:ss} UTC, load {LoadSampler.Current()})");
            var markdown = section switch
            {
                "micro" => MicroSection.Run(settings),
                "gateway" => await GatewaySection.RunAsync(settings),
                "spool" => await SpoolSection.RunAsync(settings),
                "ingest" => await IngestSection.RunAsync(settings),
                "store" => StoreSection.Run(settings),
                "cold" => await ColdStartSection.RunAsync(settings),
                "shim" => await ShimSection.RunAsync(settings),
                "shim-gateways" => await ShimSection.GatewaysAsync(settings),
                "shim-micro" => ShimSection.Micro(settings),
                "sidecar-runtime" => await SidecarRuntimeSection.RunAsync(settings),
                "sidecar-paths" => await SidecarPathsSection.RunAsync(settings),
                _ => await MemorySection.RunAsync(settings),
            };
            report.Add(section, markdown, LoadSampler.Current());
        }

        var path = report.Write(load.Summary());
        Console.WriteLine();
        Console.WriteLine(File.ReadAllText(path));
        Console.WriteLine($"Written to {path}");
        return 0;
    }
}
