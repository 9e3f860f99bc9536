namespace Tap.Benchmarks.Memory;

internal static class MemorySection
{
    public static Task<string> RunAsync(BenchSettings settings) => Task.FromResult(settings.Name);
}
