using Tap.Benchmarks.Fixtures;

namespace Tap.Benchmarks.Micro;

/// <summary>Fixtures repeated until they add up to a few MB, so one benchmark operation is long enough to time well.</summary>
internal static class RepeatedStreams
{
    public const long TargetBytes = 2 * 1024 * 1024;

    public static List<Fixture> Build(IReadOnlyList<Fixture> fixtures)
    {
        var streams = new List<Fixture>();
        long bytes = 0;
        while (bytes < TargetBytes)
        {
            foreach (var fixture in fixtures)
            {
                streams.Add(fixture);
                bytes += fixture.Bytes.Length;
            }
        }

        return streams;
    }

    public static long Bytes(IEnumerable<Fixture> streams) => streams.Sum(s => (long)s.Bytes.Length);
}
