using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Tap.Benchmarks.Hosts;

/// <summary>
/// What a role allocates, by type, from the runtime's AllocationTick events (one about every 100 KB allocated, naming
/// the type that crossed the mark): with <c>TAP_BENCH_ALLOCATIONS=FOLDER</c> a role writes
/// <c>FOLDER/allocations-ROLE-PID.txt</c> when it stops. A sample, not a count: for finding what to look at.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    public static AllocationSampler? StartIfAsked() =>
        Environment.GetEnvironmentVariable("TAP_BENCH_ALLOCATIONS") is { Length: > 0 } ? new AllocationSampler() : null;

    public void Write(string role)
    {
        var folder = Environment.GetEnvironmentVariable("TAP_BENCH_ALLOCATIONS")!;
        var total = Math.Max(1, _bytes.Values.Sum());
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"sampled {total:N0} bytes");
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(60))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{100.0 * bytes / total,6:0.0}% {type}");
        }

        File.WriteAllText(Path.Combine(folder, $"allocations-{role}-{Environment.ProcessId}.txt"), text.ToString());
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = eventData.Payload![names.IndexOf("TypeName")] as string ?? "?";
        if (type.EndsWith("[]", StringComparison.Ordinal) && names.IndexOf("ObjectSize") is >= 0 and var size)
        {
            // Arrays by size too: a pooled buffer the pool could not keep shows as its own size.
            type += $" of {Convert.ToInt64(eventData.Payload[size], CultureInfo.InvariantCulture):N0} B";
        }

        var amount = Convert.ToInt64(eventData.Payload[names.IndexOf(names.Contains("AllocationAmount64") ? "AllocationAmount64" : "AllocationAmount")], CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
