namespace Tap.Shim.Delivery;

/// <summary>
/// A count that every proxy thread adds to: one slot per processor, each on a cache line of its own, so that counting a
/// chunk never pulls a line from the other core (issue 16: a chunk touches no shared cache line). Reading sums the slots.
/// </summary>
internal sealed class StripedCounter
{
    private const int Stripes = 16;

    // 8 longs = 64 bytes: one cache line per slot.
    private const int Spacing = 8;

    private readonly long[] _slots = new long[(Stripes + 1) * Spacing];

    public void Increment() => Interlocked.Increment(ref _slots[((Thread.GetCurrentProcessorId() & (Stripes - 1)) + 1) * Spacing]);

    public long Read()
    {
        long total = 0;
        for (var i = 1; i <= Stripes; i++)
        {
            total += Volatile.Read(ref _slots[i * Spacing]);
        }

        return total;
    }
}
