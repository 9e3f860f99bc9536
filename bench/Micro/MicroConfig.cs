using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Tap.Benchmarks.Micro;

/// <summary>
/// In-process toolchain: the benchmarks run in this process instead of a generated project that BenchmarkDotNet
/// would build first, which alone would take most of the quick run's two minutes.
/// </summary>
internal static class MicroConfig
{
    public static IConfig Create(bool quick)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(quick ? 1 : 3)
            .WithIterationCount(quick ? 6 : 30)
            .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 100 : 250));
        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
    }
}
